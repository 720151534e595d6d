package dev.bff.web.reliability;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bff.demo.SigningAlg;
import dev.bff.demo.SigningKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Bad input under the load, straight at replica a (nginx would clean some of it up first): the
 * fuzzer's malformed requests and, at the same time, slowloris clients and stalled uploads. The
 * replica must stay up and healthy, answer every client mistake with a 4xx, let nothing ambiguous or
 * refused reach an upstream, cut the slow clients by its timeouts, and leave no upstream request
 * half-sent behind a client it cut.
 */
final class BadInput {
  private final Scenario sc;
  Fuzzer.Result fuzz;
  List<SlowClients.Result> slow;
  int fuzzCases;

  BadInput(Scenario sc) {
    this.sc = sc;
  }

  void run() throws Exception {
    Stack st = sc.st;
    Profile p = sc.p;
    long idle = p.idleTimeout().toMillis();
    Outcome o = sc.begin("bad input and slow clients", p.fuzzCases() + " malformed requests (request lines, "
        + "headers, framing and smuggling, paths, JSON bodies, tokens, random mutations) on raw sockets, and "
        + p.slowClients() + " slowloris clients and " + p.slowClients() + " stalled uploads at the same time, all "
        + "straight to replica a", "replica a stays alive and ready; every case gets what it must (4xx for client "
        + "mistakes, no 5xx); no refused or smuggled request and no ambiguous framing reaches the upstream; slow "
        + "clients are cut within server.idle-timeout (" + p.idleTimeout().toSeconds() + " s) plus 3 s; no "
        + "upstream request is left half-sent; the load sees no error");

    List<FuzzCase> cases = FuzzCases.generate(tokens(), p.fuzzCases(), 20_240_611L);
    fuzzCases = cases.size();
    int port = st.a.port();
    CompletableFuture<List<SlowClients.Result>> slowRun = CompletableFuture.supplyAsync(() -> {
      try {
        return SlowClients.run(port, p.slowClients(), 3 * idle + 10_000);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long started = System.nanoTime();
    fuzz = Fuzzer.run(port, cases, 4, (int) (2 * idle + 5_000));
    long fuzzMs = (System.nanoTime() - started) / 1_000_000;
    slow = slowRun.join();
    long drained = -1;
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos()) {
      if (st.recorder.openMidRequest() == 0) {
        drained = (System.nanoTime() - t0) / 1_000_000;
        break;
      }
      Thread.sleep(50);
    }
    sc.end(o);
    o.saw(fuzz.cases() + " cases in " + fuzzMs + " ms: " + fuzz.byCategory());
    o.check(fuzz.unmet().isEmpty(), fuzz.unmet().size() + " cases not answered as they must be:\n"
        + fuzz.unmetShown());
    List<String> heads = st.recorder.heads();
    long leaked = heads.stream().filter(h -> h.contains(FuzzCase.REFUSED) || h.contains(FuzzCase.SMUGGLED)).count();
    o.saw(heads.size() + " requests reached the recording upstream; " + st.recorder.violations().size()
        + " with ambiguous framing; " + leaked + " that the gateway had to refuse or that were smuggled");
    o.check(st.recorder.violations().isEmpty(), "ambiguous framing reached the upstream: "
        + st.recorder.violations());
    o.check(leaked == 0, "refused or smuggled requests reached the upstream: " + heads.stream()
        .filter(h -> h.contains(FuzzCase.REFUSED) || h.contains(FuzzCase.SMUGGLED)).limit(5).toList());
    for (SlowClients.Result r : slow) {
      o.saw(r.toString());
      o.check(r.cut() == r.livedMs().length, r.kind() + ": " + (r.livedMs().length - r.cut())
          + " connections were never cut");
      o.check(r.longestMs() <= idle + 3_000, r.kind() + ": a connection lived " + r.longestMs() + " ms, more than "
          + "server.idle-timeout + 3 s");
    }
    o.saw("upstream requests left half-sent after the slow clients: " + st.recorder.openMidRequest()
        + (drained >= 0 ? " (none after " + drained + " ms)" : ""));
    o.check(drained >= 0, st.recorder.openMidRequest() + " upstream requests still half-sent 5 s after their "
        + "clients were cut");
    Replica.Answer live = st.a.admin("GET", "/health/live");
    Replica.Answer ready = st.a.admin("GET", "/health/ready");
    o.saw("replica a alive: " + st.a.alive() + "; /health/live " + live.status() + ", /health/ready "
        + ready.status());
    o.check(st.a.alive() && live.status() == 200 && ready.status() == 200, "replica a is not alive and ready");
    Scenario.sleep(p.recover());
  }

  /** Tokens for the fuzzer: one valid, and invalid ones signed by the identity service's own key. */
  private FuzzCases.Tokens tokens() throws JOSEException {
    Stack st = sc.st;
    String valid = st.token(new JsonObject().put("sub", "u3").put("aud", "bff-web").put("ttlSeconds", 86_400));
    String wrongAudience = st.token(new JsonObject().put("sub", "u3").put("aud", "bff-mobile"));
    SigningKey key = st.demo.services().identity().keys().signingKey(SigningAlg.RS256);
    String issuer = st.demo.services().identity().issuer();
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("u3").audience("bff-web").issuer(issuer)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    String expired = key.sign(claims.issueTime(Date.from(now.minusSeconds(7200)))
        .expirationTime(Date.from(now.minusSeconds(3600))).build());
    String wrongIssuer = key.sign(new JWTClaimsSet.Builder(claims.build()).issuer("https://evil.example")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600))).build());
    JWTClaimsSet good = new JWTClaimsSet.Builder(claims.build()).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600))).build();
    String unknownKid = SigningKey.generate(SigningAlg.RS256).sign(good);
    SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.kid()).build(), good);
    hs.sign(new MACSigner(key.publicJwk().encode().getBytes(StandardCharsets.UTF_8)));
    return new FuzzCases.Tokens(valid, expired, wrongAudience, wrongIssuer, unknownKid, hs.serialize());
  }
}
