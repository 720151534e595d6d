package dev.bff.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.routing.Reply;
import dev.bff.common.server.Bff;
import dev.bff.common.testing.BadConfigMain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(VertxExtension.class)
class ConfigErrorsTest {
  private static final String UPSTREAMS = """
      upstreams:
        catalog: { instances: ["http://127.0.0.1:7101"] }
        reviews: { instances: ["http://127.0.0.1:7102"] }
      """;

  private static final Map<String, String> ENV = Map.of("CATALOG_URL", "http://10.0.0.7:7101", "EMPTY", "");

  private static BffConfig parse(String yaml) {
    return new ConfigLoader(new EnvSubstitution(ENV::get), 8080, 9080).parse(yaml, "bad.yaml");
  }

  /** One bad snippet: what it is, the YAML, and the expected problems as {path, message fragment}. */
  static Stream<Arguments> badSnippets() {
    return Stream.of(
        bad("unknown top-level key", "serverz: { port: 1 }\n" + UPSTREAMS,
            "serverz", "unknown key"),
        bad("typo in a route key", UPSTREAMS + "routes:\n  - { path: /a, upstream: catalog, strip_prefix: /a }\n",
            "routes[0].strip_prefix", "unknown key"),
        bad("typo in an upstream key", "upstreams:\n  catalog: { instances: [\"http://h:1\"], timout: 1s }\n",
            "upstreams.catalog.timout", "unknown key"),
        bad("typo in the metrics block", UPSTREAMS + "metrics: { enable: false }\n",
            "metrics.enable", "unknown key"),
        bad("metrics enabled that is not a boolean", UPSTREAMS + "metrics: { enabled: sometimes }\n",
            "metrics.enabled", "must be true or false"),
        bad("a histogram bucket that is not a duration", UPSTREAMS + "metrics: { buckets: [10ms, soon] }\n",
            "metrics.buckets[1]", "must be a duration"),
        bad("histogram buckets out of order", UPSTREAMS + "metrics: { buckets: [10ms, 1s, 500ms] }\n",
            "metrics.buckets[2]", "must be larger than the bucket before it"),
        bad("a zero histogram bucket", UPSTREAMS + "metrics: { buckets: [0ms, 1s] }\n",
            "metrics.buckets[0]", "must be more than 0"),
        bad("no histogram buckets", UPSTREAMS + "metrics: { buckets: [] }\n",
            "metrics.buckets", "must list at least one bucket"),
        bad("typo in the tracing block", UPSTREAMS + "tracing: { trust_incoming: false }\n",
            "tracing.trust_incoming", "unknown key"),
        bad("a sample ratio above 1", UPSTREAMS + "tracing: { sample-ratio: 1.5 }\n",
            "tracing.sample-ratio", "must be between 0.0 and 1.0"),
        bad("an OTLP block without an endpoint", UPSTREAMS + "tracing: { otlp: { timeout: 5s } }\n",
            "tracing.otlp.endpoint", "is required"),
        bad("an OTLP endpoint that is not an HTTP URL", UPSTREAMS
                + "tracing: { otlp: { endpoint: \"grpc://collector:4317\" } }\n",
            "tracing.otlp.endpoint", "must be an http:// or https:// URL"),
        bad("an OTLP header with a bad name", UPSTREAMS
                + "tracing: { otlp: { endpoint: \"http://c:4318/v1/traces\", headers: { \"bad name\": x } } }\n",
            "tracing.otlp.headers.bad name", "is not a valid header name"),
        bad("exporting with tracing off", UPSTREAMS
                + "tracing: { enabled: false, otlp: { endpoint: \"http://c:4318/v1/traces\" } }\n",
            "tracing.otlp", "needs tracing.enabled: true"),
        bad("a typo in the OTLP block", UPSTREAMS
                + "tracing: { otlp: { endpoint: \"http://c:4318/v1/traces\", timout: 1s } }\n",
            "tracing.otlp.timout", "unknown key"),
        bad("route to an unknown upstream", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog }\n  - { path: /b, upstream: catalgo }\n",
            "routes[1].upstream", "unknown upstream 'catalgo' (known: [catalog, reviews])"),
        bad("bad duration", "upstreams:\n  catalog: { instances: [\"http://h:1\"], connect-timeout: fast }\n",
            "upstreams.catalog.connect-timeout", "must be a duration like 300ms, 5s, 2m or 1h, was 'fast'"),
        bad("negative duration", UPSTREAMS + "endpoints:\n  x: { deadline: -5s }\n",
            "endpoints.x.deadline", "must be a duration"),
        bad("duration too large", "upstreams:\n  catalog: { instances: [\"http://h:1\"], "
                + "response-timeout: 99999999999999999999s }\n",
            "upstreams.catalog.response-timeout", "must be a duration"),
        bad("bad size", "server: { limits: { max-body-size: huge } }\n",
            "server.limits.max-body-size", "must be a size like 512, 8KB, 10MB or 1GB, was 'huge'"),
        bad("size too large", "server: { limits: { max-body-size: 99999999999GB } }\n",
            "server.limits.max-body-size", "must be a size"),
        bad("instance URL with a path", "upstreams:\n  catalog: { instances: [\"http://h:1/api\"] }\n",
            "upstreams.catalog.instances[0]", "must not have a path"),
        bad("instance URL with a non-http scheme",
            "upstreams:\n  catalog: { instances: [\"http://h:1\", \"ftp://h:21\"] }\n",
            "upstreams.catalog.instances[1]", "must be an http:// or https:// URL"),
        bad("upstream without instances", "upstreams:\n  catalog: { pool: 8 }\n",
            "upstreams.catalog", "needs 'instances'"),
        bad("circuit breaker that opens on nothing",
            "upstreams:\n  catalog: { instances: [\"http://h:1\"], circuit-breaker: { failure-ratio: 0 } }\n",
            "upstreams.catalog.circuit-breaker", "opens on nothing"),
        bad("circuit breaker ratio above 1",
            "upstreams:\n  catalog: { instances: [\"http://h:1\"], circuit-breaker: { failure-ratio: 50 } }\n",
            "upstreams.catalog.circuit-breaker.failure-ratio", "must be between 0.0 and 1.0"),
        bad("circuit breaker typo",
            "upstreams:\n  catalog: { instances: [\"http://h:1\"], circuit-breaker: { open_for: 5s } }\n",
            "upstreams.catalog.circuit-breaker.open_for", "unknown key"),
        bad("circuit breaker window too short",
            "upstreams:\n  catalog: { instances: [\"http://h:1\"], circuit-breaker: { window: 10ms } }\n",
            "upstreams.catalog.circuit-breaker.window", "at least 100ms"),
        bad("route missing path", UPSTREAMS + "routes:\n  - { upstream: catalog }\n",
            "routes[0].path", "is required"),
        bad("'**' not last", UPSTREAMS + "routes:\n  - { path: \"/a/**/b\", upstream: catalog }\n",
            "routes[0].path", "'**' is only allowed as the last segment"),
        bad("parameter without a name", UPSTREAMS + "routes:\n  - { path: \"/a/:\", upstream: catalog }\n",
            "routes[0].path", "must be ':' followed by a name"),
        bad("path not starting with /", UPSTREAMS + "routes:\n  - { path: \"a/b\", upstream: catalog }\n",
            "routes[0].path", "must start with '/'"),
        bad("rewrite with a parameter the path lacks",
            UPSTREAMS + "routes:\n  - { path: \"/items/:id\", upstream: catalog, rewrite: \"/v2/{sku}\" }\n",
            "routes[0].rewrite", "uses {sku} but the route path has no parameter :sku"),
        bad("rewrite with {**} on a path without /**",
            UPSTREAMS + "routes:\n  - { path: \"/items/:id\", upstream: catalog, rewrite: \"/v2/{**}\" }\n",
            "routes[0].rewrite", "does not end with /**"),
        bad("strip-prefix not a prefix",
            UPSTREAMS + "routes:\n  - { path: \"/api/**\", upstream: catalog, strip-prefix: /web }\n",
            "routes[0].strip-prefix", "is not a prefix of the route path"),
        bad("strip-prefix ending inside a segment",
            UPSTREAMS + "routes:\n  - { path: \"/apix/**\", upstream: catalog, strip-prefix: /api }\n",
            "routes[0].strip-prefix", "is not a prefix of the route path"),
        bad("strip-prefix with a parameter",
            UPSTREAMS + "routes:\n  - { path: \"/:t/api/**\", upstream: catalog, strip-prefix: \"/:t\" }\n",
            "routes[0].strip-prefix", "must be literal segments"),
        bad("duplicate route id", UPSTREAMS
                + "routes:\n  - { id: products, path: /a, upstream: catalog }\n"
                + "  - { id: products, path: /b, upstream: catalog }\n",
            "routes[1].id", "duplicate route id 'products'"),
        bad("port out of range", "server: { port: 70000 }\n",
            "server.port", "must be between 0 and 65535, was 70000"),
        bad("admin port not a number", "server: { admin-port: nine }\n",
            "server.admin-port", "must be an integer, was 'nine'"),
        bad("an admin token too short to be one", "server: { admin-token: s3cr3t }\n",
            "server.admin-token", "must be at least 16 characters (e.g. openssl rand -hex 24)"),
        bad("unset variable without default", "upstreams:\n  catalog: { instances: [\"${NOPE_URL}\"] }\n",
            "upstreams.catalog.instances[0]", "environment variable NOPE_URL is not set and has no default"),
        bad("unknown balancer", "upstreams:\n  catalog: { instances: [\"http://h:1\"], balancer: random }\n",
            "upstreams.catalog.balancer", "must be round-robin or least-requests, was 'random'"),
        bad("unknown protocol", "upstreams:\n  catalog: { instances: [\"http://h:1\"], protocol: http2 }\n",
            "upstreams.catalog.protocol", "must be http1, h2c (HTTP/2 in clear text) or h2 (HTTP/2 over TLS), was 'http2'"),
        bad("h2 towards a clear-text instance",
            "upstreams:\n  catalog: { instances: [\"https://h:1\", \"http://h:2\"], protocol: h2 }\n",
            "upstreams.catalog.protocol", "h2 is HTTP/2 over TLS and needs https:// instances, but 'http://h:2' is http://"),
        bad("h2c towards a TLS instance", "upstreams:\n  catalog: { instances: [\"https://h:1\"], protocol: h2c }\n",
            "upstreams.catalog.protocol", "h2c is HTTP/2 in clear text and needs http:// instances, but 'https://h:1'"),
        bad("h2 with clear-text DNS instances", "upstreams:\n  catalog: { dns: { name: svc.local }, protocol: h2 }\n",
            "upstreams.catalog.protocol", "h2 is HTTP/2 over TLS and needs dns.tls: true"),
        bad("h2c with TLS DNS instances",
            "upstreams:\n  catalog: { dns: { name: svc.local, tls: true }, protocol: h2c }\n",
            "upstreams.catalog.protocol", "cannot be used with dns.tls: true"),
        bad("max-streams for HTTP/1.1", "upstreams:\n  catalog: { instances: [\"http://h:1\"], max-streams: 50 }\n",
            "upstreams.catalog.max-streams", "applies to HTTP/2 only: set protocol to h2c or h2"),
        bad("max-streams of 0",
            "upstreams:\n  catalog: { instances: [\"http://h:1\"], protocol: h2c, max-streams: 0 }\n",
            "upstreams.catalog.max-streams", "must be between 1 and 10000, was 0"),
        bad("canary to an unknown upstream", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, canary: { upstream: catalog-v2, weight: 10 } }\n",
            "routes[0].canary.upstream", "unknown upstream 'catalog-v2'"),
        bad("canary weight above 100", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, canary: { upstream: reviews, weight: 150 } }\n",
            "routes[0].canary.weight", "must be between"),
        bad("unknown HTTP method", UPSTREAMS + "routes:\n  - { path: /a, upstream: catalog, methods: [GET, FETCH] }\n",
            "routes[0].methods[1]", "unknown HTTP method 'FETCH'"),
        bad("route that is not a mapping", UPSTREAMS + "routes:\n  - /a\n",
            "routes[0]", "must be a mapping"),
        bad("routes that are not a list", UPSTREAMS + "routes: { path: /a }\n",
            "routes", "must be a list"),
        bad("bad trusted proxy", "server: { trusted-proxies: [\"10.0.0.0/8\", \"10/8\"] }\n",
            "server.trusted-proxies[1]", "not a numeric IPv4/IPv6 address"),
        bad("duplicate YAML key", UPSTREAMS.replace("reviews:", "catalog:"),
            "", "Duplicate field 'catalog'"),
        bad("YAML endpoint part on an unknown upstream", endpoint("a: { upstream: catalgo, path: /p }"),
            "endpoints.e.parts.a.upstream", "unknown upstream 'catalgo'"),
        bad("YAML endpoint part needing an unknown part", endpoint("a: { upstream: catalog, path: /p, needs: [b] }"),
            "endpoints.e.parts.a.needs", "unknown part 'b'"),
        bad("YAML endpoint parts in a cycle", endpoint("a: { upstream: catalog, path: /p, needs: [b] }\n"
                + "      b: { upstream: catalog, path: /q, needs: [a] }"),
            "endpoints.e.parts", "cycle: a -> b -> a"),
        bad("placeholder naming nothing", endpoint("a: { upstream: catalog, path: \"/p/{sku}\" }"),
            "endpoints.e.parts.a.path", "'{sku}' names neither a path parameter [id]"),
        bad("placeholder of a part not in needs", endpoint("a: { upstream: catalog, path: /p }\n"
                + "      b: { upstream: catalog, path: \"/q/{a.category}\" }"),
            "endpoints.e.parts.b.path", "nor a part listed in needs []"),
        bad("unclosed placeholder", endpoint("a: { upstream: catalog, path: \"/p/{id\" }"),
            "endpoints.e.parts.a.path", "unclosed '{'"),
        bad("required part with a fallback", endpoint("a: { upstream: catalog, path: /p, required: true, "
                + "fallback: { value: 1 } }"),
            "endpoints.e.parts.a.fallback", "a required part has no fallback"),
        bad("unknown fallback word", endpoint("a: { upstream: catalog, path: /p, fallback: stale }"),
            "endpoints.e.parts.a.fallback", "must be omit, last-good, or a mapping"),
        bad("for-each over a part not needed", endpoint("a: { upstream: catalog, path: \"/p/{item}\", "
                + "for-each: b.items }\n      b: { upstream: catalog, path: /q }"),
            "endpoints.e.parts.a.for-each", "must start with a part listed in needs"),
        bad("shape rule with put and merge", endpoint("a: { upstream: catalog, path: /p }")
                + "    shape:\n      - { put: x, merge: a }\n",
            "endpoints.e.shape[0]", "exactly one of put (a key) or merge (a part)"),
        bad("shape rule from an unknown part", endpoint("a: { upstream: catalog, path: /p }")
                + "    shape:\n      - { put: x, from: b }\n",
            "endpoints.e.shape[0].from", "unknown part 'b'"),
        bad("shape rule with a bad pointer", endpoint("a: { upstream: catalog, path: /p }")
                + "    shape:\n      - { put: x, from: a, pick: images.url }\n",
            "endpoints.e.shape[0].pick", "must be a JSON pointer"),
        bad("YAML endpoint without parts", UPSTREAMS + "endpoints:\n  e: { path: /e }\n",
            "endpoints.e.parts", "is required"),
        bad("YAML endpoint with a typo", endpoint("a: { upstream: catalog, path: /p, timout: 1s }"),
            "endpoints.e.parts.a.timout", "unknown key"),
        bad("route needing a token without issuers", UPSTREAMS + "routes:\n  - { path: /a, upstream: catalog, auth: jwt }\n",
            "routes[0].auth", "no auth.jwt issuers are configured"),
        bad("claim in the rewrite of a public route", UPSTREAMS
                + "routes:\n  - { path: /cart, upstream: catalog, rewrite: \"/cart/{claim.sub}\" }\n",
            "routes[0].rewrite", "the route is public"),
        bad("CORS credentials with any origin", "server: { cors: { origins: [\"*\"], credentials: true } }\n",
            "server.cors.credentials", "cannot be true with origins [*]"),
        bad("CORS origin that is not one", "server: { cors: { origins: [\"shop.example.com/path\"] } }\n",
            "server.cors.origins[0]", "must be * or an origin"),
        bad("IP filter with a bad network", "server: { ip-filter: { allow: [\"10.0.0.0/33\"] } }\n",
            "server.ip-filter.allow[0]", ""),
        bad("deny pattern that is not a regular expression",
            "server: { hardening: { deny-patterns: [\"(?i)<script\", \"(unclosed\"] } }\n",
            "server.hardening.deny-patterns[1]", "is not a valid regular expression: Unclosed group"),
        bad("header deny pattern that is not a regular expression",
            "server: { hardening: { deny-header-patterns: [\"*jndi\"] } }\n",
            "server.hardening.deny-header-patterns[0]", "is not a valid regular expression: Dangling meta"),
        bad("empty deny pattern", "server: { hardening: { deny-patterns: [\"\"] } }\n",
            "server.hardening.deny-patterns[0]", "must not be empty"),
        bad("typo in hardening", "server: { hardening: { deny-pattern: [\"x\"] } }\n",
            "server.hardening.deny-pattern", "unknown key"),
        bad("typo in a route's body-check", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, body-check: { max-dept: 3 } }\n",
            "routes[0].body-check.max-dept", "unknown key"),
        bad("body-check that is not a mapping", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, body-check: true }\n",
            "routes[0].body-check", "must be a mapping"),
        bad("body-check with a bad media type", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, body-check: { content-types: [json] } }\n",
            "routes[0].body-check.content-types[0]", "must be a media type like application/json"),
        bad("body-check depth out of range", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, body-check: { max-depth: 0 } }\n",
            "routes[0].body-check.max-depth", "must be between 1 and 1000"),
        bad("body-check with a bad size", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, body-check: { max-size: lots } }\n",
            "routes[0].body-check.max-size", "must be a size"),
        bad("body-check with a zero size", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, body-check: { max-size: 0 } }\n",
            "routes[0].body-check.max-size", "at least 1 byte"),
        bad("typo in an endpoint's body-check", UPSTREAMS + "endpoints:\n  x: { body-check: { requier: true } }\n",
            "endpoints.x.body-check.requier", "unknown key"),
        bad("endpoint body-check require that is not a boolean", UPSTREAMS
                + "endpoints:\n  x: { body-check: { require: maybe } }\n",
            "endpoints.x.body-check.require", "must be true or false"),
        bad("unknown auth rule", UPSTREAMS + "routes:\n  - { path: /a, upstream: catalog, auth: maybe }\n",
            "routes[0].auth", "must be public, jwt, api-key, client-cert, a list of those, or a mapping"),
        bad("API key route without api-keys", UPSTREAMS + "routes:\n  - { path: /a, upstream: catalog, auth: api-key }\n",
            "routes[0].auth", "accepts api-key but auth.api-keys is not configured"),
        bad("API key given in clear instead of its hash", UPSTREAMS + "auth:\n  api-keys:\n    keys: [ { id: k1, "
                + "sha256: my-secret-key, partner: acme } ]\n",
            "auth.api-keys.keys[0].sha256", "never the key itself"),
        bad("API key without a partner", UPSTREAMS + "auth:\n  api-keys:\n    keys: [ { id: k1, sha256: \""
                + "a".repeat(64) + "\" } ]\n",
            "auth.api-keys.keys[0].partner", "is required"),
        bad("roles on an API-key-only route", UPSTREAMS + "auth:\n  api-keys:\n    keys: []\nroutes:\n  - { path: /a, "
                + "upstream: catalog, auth: { methods: [api-key], any-role: [admin] } }\n",
            "routes[0].auth", "roles and scopes come from JWTs"),
        bad("API keys in Redis without a redis block", UPSTREAMS + "auth:\n  api-keys:\n    redis: { refresh: 10s }\n",
            "auth.api-keys.redis", "needs the top-level redis block"),
        bad("a redis URL that is not one", UPSTREAMS + "redis: { url: \"http://:secret@cache:6379\" }\n",
            "redis.url", "must be redis://host:port or rediss://host:port, was 'http://***@cache:6379'"),
        bad("unknown certificate identity", UPSTREAMS + "auth:\n  client-cert: { identity: serial }\n",
            "auth.client-cert.identity", "must be cn, subject, san-dns, san-uri or san-email"),
        bad("issuer without keys", UPSTREAMS + "auth:\n  jwt:\n    issuers: [ { issuer: https://i } ]\n",
            "auth.jwt.issuers[0]", "needs jwks-url or keys"),
        bad("alg none listed", UPSTREAMS + "auth:\n  jwt:\n    issuers: [ { issuer: https://i, jwks-url: https://i/k, "
                + "algorithms: [RS256, none] } ]\n",
            "auth.jwt.issuers[0].algorithms", "'none' is never accepted"),
        bad("HS256 without a secret", UPSTREAMS + "auth:\n  jwt:\n    issuers: [ { issuer: https://i, jwks-url: https://i/k, "
                + "algorithms: [HS256] } ]\n",
            "auth.jwt.issuers[0].algorithms", "only with a configured secret"),
        bad("HS256 with a short secret", UPSTREAMS + "auth:\n  jwt:\n    issuers: [ { issuer: https://i, "
                + "keys: [ { alg: HS256, secret: short } ] } ]\n",
            "auth.jwt.issuers[0].keys[0].secret", "at least 32 characters"),
        bad("claim placeholder on a public endpoint", UPSTREAMS + "auth:\n  default: public\n  jwt:\n    issuers: "
                + "[ { issuer: https://i, jwks-url: https://i/k } ]\nendpoints:\n  me:\n    path: /me\n    parts:\n"
                + "      u: { upstream: catalog, path: \"/users/{claim.sub}\" }\n",
            "endpoints.me.parts.u.path", "the endpoint is public"),
        bad("route naming an unknown rate-limit policy", RATE_LIMITS
                + "routes:\n  - { path: /a, upstream: catalog, rate-limit: [per-ip, per-ipp] }\n",
            "routes[0].rate-limit[1]", "unknown rate-limit policy 'per-ipp' (known: [per-ip])"),
        bad("endpoint naming an unknown rate-limit policy", RATE_LIMITS + "endpoints:\n  x: { rate-limit: nope }\n",
            "endpoints.x.rate-limit", "unknown rate-limit policy 'nope'"),
        bad("unknown default policy", UPSTREAMS + "rate-limits:\n  default: [everyone]\n",
            "rate-limits.default[0]", "unknown rate-limit policy 'everyone' (known: [])"),
        bad("bad rate", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip, rate: 10/fortnight }\n",
            "rate-limits.policies.p.rate", "must be a count per period like 10/s, 600/m, 1000/h or 10000/day, "
                + "was '10/fortnight'"),
        bad("rate without a count", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip, rate: fast }\n",
            "rate-limits.policies.p.rate", "must be a count per period"),
        bad("zero rate", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip, rate: 0/s }\n",
            "rate-limits.policies.p.rate", "must be a count per period"),
        bad("rate too fast", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip, rate: 2000000/s }\n",
            "rate-limits.policies.p.rate", "at most 1000000 per second"),
        bad("burst of zero", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip, rate: 1/s, burst: 0 }\n",
            "rate-limits.policies.p.burst", "must be between 1 and"),
        bad("burst without a rate", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip, quota: 5/day, burst: 2 }\n",
            "rate-limits.policies.p.burst", "needs a rate"),
        bad("burst refilling for years", UPSTREAMS
                + "rate-limits:\n  policies:\n    p: { key: ip, rate: 1/day, burst: 1000 }\n",
            "rate-limits.policies.p.burst", "more than 366 days"),
        bad("policy without rate or quota", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip }\n",
            "rate-limits.policies.p", "needs rate (e.g. 10/s) or quota"),
        bad("policy without a key", UPSTREAMS + "rate-limits:\n  policies:\n    p: { rate: 1/s }\n",
            "rate-limits.policies.p.key", "is required"),
        bad("unknown key", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: cookie, rate: 1/s }\n",
            "rate-limits.policies.p.key", "must be ip, user, user-or-ip, partner, client-cert, route or header:NAME"),
        bad("header key without a valid name", UPSTREAMS
                + "rate-limits:\n  policies:\n    p: { key: \"header:X Tenant\", rate: 1/s }\n",
            "rate-limits.policies.p.key", "needs a valid header name"),
        bad("unknown algorithm", UPSTREAMS
                + "rate-limits:\n  policies:\n    p: { key: ip, rate: 1/s, algorithm: leaky-bucket }\n",
            "rate-limits.policies.p.algorithm", "must be gcra or sliding-window"),
        bad("typo in a policy", UPSTREAMS + "rate-limits:\n  policies:\n    p: { key: ip, rate: 1/s, brust: 5 }\n",
            "rate-limits.policies.p.brust", "unknown key"),
        bad("plans on an ip key", UPSTREAMS
                + "rate-limits:\n  policies:\n    p: { key: ip, plans: { basic: { rate: 1/s } } }\n",
            "rate-limits.policies.p.plans", "need key partner or client-cert"),
        bad("plans and a rate together", UPSTREAMS
                + "rate-limits:\n  policies:\n    p: { key: partner, rate: 1/s, plans: { basic: { rate: 1/s } } }\n",
            "rate-limits.policies.p.rate", "cannot be combined with plans"),
        bad("a plan with a bad quota", UPSTREAMS
                + "rate-limits:\n  policies:\n    p: { key: partner, plans: { basic: { quota: lots } } }\n",
            "rate-limits.policies.p.plans.basic.quota", "must be a count per period"),
        bad("a policy named none", UPSTREAMS + "rate-limits:\n  policies:\n    none: { key: ip, rate: 1/s }\n",
            "rate-limits.policies.none", "(and not none)"),
        bad("redis store without a redis block", UPSTREAMS + "rate-limits: { store: redis }\n",
            "rate-limits.store", "needs the top-level redis block"),
        bad("unknown store", UPSTREAMS + "rate-limits: { store: memcached }\n",
            "rate-limits.store", "must be memory or redis, was 'memcached'"),
        bad("unknown on-store-error", UPSTREAMS + "redis: { url: \"redis://127.0.0.1:6379\" }\n"
                + "rate-limits: { store: redis, on-store-error: retry }\n",
            "rate-limits.on-store-error", "must be fail-open or fail-closed, was 'retry'"),
        bad("replicas zero", UPSTREAMS + "redis: { url: \"redis://127.0.0.1:6379\" }\n"
                + "rate-limits: { store: redis, replicas: 0 }\n",
            "rate-limits.replicas", "must be between 1 and 1000"),
        bad("unknown header style", UPSTREAMS + "rate-limits: { headers: legacy }\n",
            "rate-limits.headers", "must be ietf, ietf+legacy or none"),
        bad("typo in rate-limits", UPSTREAMS + "rate-limits: { polices: {} }\n",
            "rate-limits.polices", "unknown key"),
        bad("unknown cache store", UPSTREAMS + "cache: { store: disk }\n",
            "cache.store", "must be memory or redis, was 'disk'"),
        bad("Redis cache store without a redis block", UPSTREAMS + "cache: { store: redis }\n",
            "cache.store", "needs the top-level redis block"),
        bad("typo in the cache block", UPSTREAMS + "cache: { max-byte: 1MB }\n",
            "cache.max-byte", "unknown key"),
        bad("cache too small", UPSTREAMS + "cache: { max-bytes: 1KB }\n",
            "cache.max-bytes", "must be at least 64KB"),
        bad("cache object larger than the cache", UPSTREAMS + "cache: { max-bytes: 1MB, max-object-size: 2MB }\n",
            "cache.max-object-size", "must not exceed max-bytes"),
        bad("typo in a route's cache", UPSTREAMS + "routes:\n  - { path: /a, upstream: catalog, cache: { tll: 5s } }\n",
            "routes[0].cache.tll", "unknown key"),
        bad("route cache that is not a mapping", UPSTREAMS + "routes:\n  - { path: /a, upstream: catalog, cache: yes }\n",
            "routes[0].cache", "must be a mapping"),
        bad("cache ttl that is not a duration", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, cache: { ttl: forever } }\n",
            "routes[0].cache.ttl", "must be a duration"),
        bad("cache key query that is neither all, none nor a list", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, cache: { key: { query: some } } }\n",
            "routes[0].cache.key.query", "must be all, none or a list"),
        bad("cache key header that is not a header name", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, cache: { key: { headers: [\"Accept Language\"] } } }\n",
            "routes[0].cache.key.headers[0]", "is not a valid header name"),
        bad("cacheable status that cannot be cached", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, cache: { cacheable-statuses: [200, 206] } }\n",
            "routes[0].cache.cacheable-statuses[1]", "other than 206 and 304"),
        bad("cached method other than GET and HEAD", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, cache: { methods: [GET, POST] } }\n",
            "routes[0].cache.methods[1]", "only GET and HEAD are cached"),
        bad("cache on a route that allows no GET", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, methods: [POST], cache: { ttl: 5s } }\n",
            "routes[0].cache", "caches GET answers but the route allows only [POST]"),
        bad("shared cache on a route that rewrites by the caller's claim", UPSTREAMS + "auth:\n  jwt:\n    issuers: "
                + "[ { issuer: https://i, jwks-url: https://i/k } ]\nroutes:\n  - { path: /cart, upstream: catalog, "
                + "rewrite: \"/cart/{claim.sub}\", cache: { ttl: 5s } }\n",
            "routes[0].cache", "needs per-user: true"),
        bad("unknown client cache-control policy", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, cache: { client-cache-control: obey } }\n",
            "routes[0].cache.client-cache-control", "must be ignore or honour"),
        bad("zero collapse wait", UPSTREAMS
                + "routes:\n  - { path: /a, upstream: catalog, cache: { collapse-wait: 0s } }\n",
            "routes[0].cache.collapse-wait", "must be more than 0"),
        bad("typo in an endpoint's cache", UPSTREAMS + "endpoints:\n  x: { cache: { stale-while-revalidat: 5s } }\n",
            "endpoints.x.cache.stale-while-revalidat", "unknown key"),
        bad("cache tags header that is not a header name", UPSTREAMS
                + "endpoints:\n  x: { cache: { tags-header: \"Surrogate Key\" } }\n",
            "endpoints.x.cache.tags-header", "is not a valid header name"));
  }

  private static final String RATE_LIMITS = UPSTREAMS + "rate-limits:\n  policies:\n    per-ip: { key: ip, rate: 10/s }\n";

  /** A YAML endpoint {@code e} at {@code /e/:id} with the given parts (one per line, indented by the caller). */
  private static String endpoint(String parts) {
    return UPSTREAMS + "endpoints:\n  e:\n    path: /e/:id\n    parts:\n      " + parts + "\n";
  }

  private static Arguments bad(String what, String yaml, String path, String message) {
    return Arguments.of(what, yaml, List.of(new ConfigProblem(path, message)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSnippets")
  void eachMistakeIsReportedWithItsKeyPath(String what, String yaml, List<ConfigProblem> expected) {
    ConfigException e = catchThrowableOfType(() -> parse(yaml), ConfigException.class);
    assertThat(e).as(what).isNotNull();
    assertThat(e.source()).isEqualTo("bad.yaml");
    assertThat(e.getMessage()).startsWith("invalid configuration in bad.yaml (");
    assertThat(e.problems()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(e.problems().get(i).path()).as(what).isEqualTo(expected.get(i).path());
      assertThat(e.problems().get(i).message()).as(what).contains(expected.get(i).message());
      assertThat(e.getMessage()).contains(e.problems().get(i).toString());
    }
  }

  @Test
  void invalidYamlNamesTheLine() {
    ConfigException e = catchThrowableOfType(() -> parse("server:\n  port: 1\n  limits: [1, 2\nroutes: []\n"),
        ConfigException.class);
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).path()).isEmpty();
    assertThat(e.problems().get(0).message()).contains("is not valid YAML").containsPattern("line [34]");
    assertThat(e.getMessage()).contains("bad.yaml");
  }

  @Test
  void everyProblemIsReportedTogether() {
    ConfigException e = catchThrowableOfType(() -> parse("""
        server: { port: -1, idle-timeout: soon }
        upstreams:
          catalog: { instances: ["gopher://h:70"], balancer: fastest }
        routes:
          - { path: /a, upstream: nowhere, colour: blue }
        endpoints:
          x: { deadline: later }
        """), ConfigException.class);
    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
        "server.port", "server.idle-timeout", "upstreams.catalog.instances[0]",
        "upstreams.catalog.balancer", "routes[0].colour", "routes[0].upstream", "endpoints.x.deadline");
    assertThat(e.getMessage()).startsWith("invalid configuration in bad.yaml (7 problems)");
  }

  @Test
  void variablesAreSubstitutedWithTheirValueOrDefault() {
    BffConfig c = parse("""
        server: { port: "${PORT:8181}", host: "${EMPTY:0.0.0.0}" }
        upstreams:
          catalog: { instances: ["${CATALOG_URL:http://127.0.0.1:7101}"] }
          reviews: { instances: ["${REVIEWS_URL:http://127.0.0.1:7102}"], response-timeout: "${RT:250ms}" }
        """);
    assertThat(c.server().port()).isEqualTo(8181);
    assertThat(c.server().host()).isEmpty();
    assertThat(c.server().adminPort()).isEqualTo(9080);
    assertThat(c.upstreams().get("catalog").instances()).extracting(Object::toString)
        .containsExactly("http://10.0.0.7:7101");
    assertThat(c.upstreams().get("reviews").instances()).extracting(Object::toString)
        .containsExactly("http://127.0.0.1:7102");
    assertThat(c.upstreams().get("reviews").responseTimeout()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void poolMeansHttp2ConnectionsWithHttp2AndDefaultsToOne() {
    BffConfig c = parse("""
        upstreams:
          plain: { instances: ["http://h:1"] }
          clear: { instances: ["http://h:1"], protocol: h2c }
          tls:   { instances: ["https://h:1"], protocol: H2, pool: 4, max-streams: 250 }
          dns:   { dns: { name: svc.local, tls: true }, protocol: h2 }
        """);
    UpstreamConfig plain = c.upstreams().get("plain");
    assertThat(plain.protocol()).isEqualTo(UpstreamProtocol.HTTP1);
    assertThat(plain.pool()).isEqualTo(64);
    UpstreamConfig clear = c.upstreams().get("clear");
    assertThat(clear.protocol()).isEqualTo(UpstreamProtocol.H2C);
    assertThat(clear.pool()).isEqualTo(1);
    assertThat(clear.maxStreams()).isEqualTo(100);
    UpstreamConfig tls = c.upstreams().get("tls");
    assertThat(tls.protocol()).isEqualTo(UpstreamProtocol.H2);
    assertThat(tls.pool()).isEqualTo(4);
    assertThat(tls.maxStreams()).isEqualTo(250);
    assertThat(c.upstreams().get("dns").protocol()).isEqualTo(UpstreamProtocol.H2);
  }

  @Test
  void aYamlEndpointBlockThatNoCodeDeclaresFailsStartUp(Vertx vertx) {
    BffModule module = new BffModule() {
      @Override
      public String name() {
        return "bff-check";
      }

      @Override
      public void endpoints(Endpoints e) {
        e.get("summary", "/summary", r -> Future.succeededFuture(Reply.status(204)));
      }
    };
    BffConfig config = parse("""
        server: { port: 0, admin-port: 0, instances: 1 }
        endpoints:
          summary: { deadline: 1s }
          sumary: { deadline: 1s }
        """);
    assertThatThrownBy(() -> Bff.start(vertx, module, config).await())
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("endpoints.sumary");
          assertThat(e.problems().get(0).message()).contains("no endpoint named 'sumary'").contains("summary");
          assertThat(e.getMessage()).contains("bad.yaml");
        });
  }

  private static final BffModule COMPUTING = new BffModule() {
    @Override
    public String name() {
      return "bff-check";
    }

    @Override
    public void endpoints(Endpoints e) {
      e.compute("in-stock", p -> true);
      e.get("coded", "/coded", dev.bff.common.aggregate.Composition.of(
          dev.bff.common.aggregate.Part.optional("x", "nowhere", (u, c) -> u.getJson("/x"))));
    }
  };

  @Test
  void codeAndYamlAreCrossCheckedAtStartUp(Vertx vertx) {
    BffConfig config = parse(UPSTREAMS + """
        server: { port: 0, admin-port: 0, instances: 1 }
        endpoints:
          coded: { path: /c, parts: { a: { upstream: catalog, path: /p } } }
          shaped:
            path: /s
            parts: { a: { upstream: catalog, path: /p } }
            shape: [ { put: x, compute: in-stok } ]
        """);
    assertThatThrownBy(() -> Bff.start(vertx, COMPUTING, config).await())
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).extracting(ConfigProblem::path)
              .containsExactly("endpoints.coded", "endpoints.shaped.shape[0].compute", "upstreams");
          assertThat(e.problems().get(0).message()).contains("declared in", "not both");
          assertThat(e.problems().get(1).message()).contains("no function named 'in-stok'", "[in-stock]");
          assertThat(e.problems().get(2).message()).contains("part 'x' calls upstream 'nowhere'");
        });
  }

  @Test
  void launchingWithABadFileExitsWithStatus2AndAPlainMessage(@TempDir Path dir) throws Exception {
    String err = launch(dir, UPSTREAMS + "routes:\n  - { path: /a, upstream: catalgo }\n");
    assertThat(err).contains("routes[0].upstream").contains("catalgo");
  }

  @Test
  void launchingWithAnEndpointBlockNoCodeDeclaresExitsWithStatus2Too(@TempDir Path dir) throws Exception {
    String err = launch(dir, "server: { port: 0, admin-port: 0, instances: 1 }\n"
        + "endpoints:\n  nope: { deadline: 1s }\n");
    assertThat(err).contains("endpoints.nope");
  }

  /** Runs {@link BadConfigMain} on a file of {@code yaml}; asserts exit 2 and a plain message naming the file. */
  private static String launch(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("bff-broken.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        BadConfigMain.class.getName(), "--config", file.toString())
        .redirectOutput(dir.resolve("stdout.txt").toFile())
        .redirectError(dir.resolve("stderr.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("process exited within 60 s").isTrue();
      String err = Files.readString(dir.resolve("stderr.txt"));
      assertThat(p.exitValue()).as("exit status; stderr: %s", err).isEqualTo(2);
      assertThat(err).contains(file.toString());
      assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
      return err;
    } finally {
      p.destroyForcibly();
    }
  }
}
