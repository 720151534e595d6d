package dev.bff.common.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bff.common.config.BffConfig;
import dev.bff.common.config.CacheConfig;
import dev.bff.common.config.EnvSubstitution;
import dev.bff.common.config.RateLimitConfig;
import dev.bff.demo.DemoService;
import dev.bff.demo.DemoServices;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code deploy/k8s} and {@code deploy/docker} against the BFFs they deploy, so they cannot drift:
 * each overlay is rendered as {@code kubectl apply -k} would (and compared with kubectl's own
 * rendering where kubectl is installed), its ConfigMap is loaded by {@code ConfigLoader} with the
 * Deployment's environment, and ports, probes, shutdown timing, security, scaling, network policies,
 * upstream addresses, Redis, Secrets and images are checked against that configuration, the
 * module's own YAML, the demo services and the Dockerfile. Reads the files from the repository root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManifestsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path K8S = ROOT.resolve("deploy/k8s");
  /** Keys (JSON pointers) every gateway's Kubernetes configuration changes in its module's YAML. */
  static final List<String> K8S_SETTINGS = List.of("/server/admin-host", "/server/admin-token",
      "/server/trusted-proxies", "/cache");
  /** And those of each gateway on its own; any other difference from the module's YAML is drift. */
  static final Map<String, List<String>> K8S_SETTINGS_OF = Map.of(
      "web", List.of("/auth/jwt/issuers/0/issuer"),
      "mobile", List.of("/auth/jwt/issuers/0/issuer"),
      "tv", List.of("/redis"),
      "partner", List.of("/auth/api-keys/keys", "/auth/api-keys/redis"));

  final SecretsScript secrets = SecretsScript.read(K8S.resolve("create-demo-secrets.sh"));
  final Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("deploy/docker/Dockerfile"));
  final List<ObjectNode> base = Kustomize.build(K8S.resolve("base"));
  final Map<String, Overlay> overlays = new HashMap<>();

  Overlay overlay(String bff) {
    return overlays.computeIfAbsent(bff, b -> Overlay.load(ROOT, b, secrets));
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void configMapIsTheModulesYamlWithOnlyKubernetesSettingsChanged(String bff) throws IOException {
    Overlay o = overlay(bff);
    JsonNode module = Kustomize.YAML.readTree(ROOT.resolve("bff-" + bff + "/src/main/resources/bff-" + bff + ".yaml")
        .toFile());
    JsonNode k8s = Kustomize.YAML.readTree(o.configText());
    List<String> allowed = new ArrayList<>(K8S_SETTINGS);
    allowed.addAll(K8S_SETTINGS_OF.get(bff));
    List<String> drift = new ArrayList<>();
    YamlTrees.diff("", module, k8s, allowed, drift);
    assertThat(drift).as("deploy/k8s/overlays/%s/%s differs from bff-%s/src/main/resources/bff-%s.yaml here;"
        + " copy the module's change (only %s are Kubernetes settings)", bff, o.configFile(), bff, bff, allowed)
        .isEmpty();
    for (String key : allowed) {
      assertThat(k8s.at(key).isMissingNode()).as("%s sets %s", o.configFile(), key).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void everyVariableTheConfigUsesIsSetAndEverySetOneUsed(String bff) throws IOException {
    Overlay o = overlay(bff);
    Map<String, Boolean> refs = new LinkedHashMap<>();   // name -> has a default
    YamlTrees.references(Kustomize.YAML.readTree(o.configText()), refs);
    Set<String> unset = refs.entrySet().stream().filter(e -> !e.getValue() && !o.env().containsKey(e.getKey()))
        .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    assertThat(unset).as("variables %s uses without a default that bff-%s's container does not set", o.configFile(),
        bff).isEmpty();
    Set<String> unused = new TreeSet<>(o.env().keySet());
    unused.removeAll(refs.keySet());
    unused.removeAll(referencedByOtherVariables(o));
    assertThat(unused).as("bff-%s's container sets variables no ${NAME} of %s uses", bff, o.configFile()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void portsAreTheConfiguredOnesEverywhere(String bff) throws IOException {
    Overlay o = overlay(bff);
    Map<String, Integer> expected = listeners(o.config());
    JsonNode server = Kustomize.YAML.readTree(ROOT.resolve("bff-" + bff + "/src/main/resources/bff-" + bff + ".yaml")
        .toFile()).path("server");
    EnvSubstitution defaults = new EnvSubstitution(name -> null);
    Map<String, Integer> modulePorts = new LinkedHashMap<>();
    modulePorts.put("http", Integer.valueOf(defaults.apply(server.path("port").asText())));
    if (server.has("mtls")) {
      modulePorts.put("mtls", Integer.valueOf(defaults.apply(server.path("mtls").path("port").asText())));
    }
    modulePorts.put("admin", Integer.valueOf(defaults.apply(server.path("admin-port").asText())));
    assertThat(expected).as("bff-%s's listeners: the defaults of its module's YAML", bff).isEqualTo(modulePorts);
    assertThat(o.ports()).as("bff-%s's container ports (by name)", bff).isEqualTo(expected);

    ObjectNode service = o.get("Service", o.name());
    assertSelects(service.path("spec").path("selector"), o.deployment(), "Service " + o.name());
    Set<Integer> targets = new LinkedHashSet<>();
    for (JsonNode p : service.path("spec").path("ports")) {
      targets.add(Overlay.resolve(p.path("targetPort"), o.container()));
    }
    assertThat(targets).as("container ports Service %s targets", o.name())
        .containsExactlyInAnyOrderElementsOf(expected.values());
    assertThat(o.deployment().at("/spec/template/metadata/annotations/prometheus.io~1port").asText())
        .as("bff-%s's prometheus.io/port annotation", bff).isEqualTo(String.valueOf(expected.get("admin")));
    assertThat(dockerfile.stages().get(o.name())).as("deploy/docker/Dockerfile target %s", o.name()).isNotNull();
    assertThat(dockerfile.stages().get(o.name()).exposed()).as("ports the Dockerfile's %s target exposes", o.name())
        .containsExactlyInAnyOrderElementsOf(expected.values());
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void probesAskHealthOnTheAdminListenerWhichListensOnThePodAddress(String bff) {
    Overlay o = overlay(bff);
    assertThat(o.config().server().adminHost()).as("bff-%s server.admin-host: the kubelet probes the pod's address",
        bff).isEqualTo("0.0.0.0");
    assertThat(o.config().server().adminToken()).as("bff-%s server.admin-token on a reachable admin listener", bff)
        .isNotNull();
    int admin = o.config().server().adminPort();
    Map<String, String> paths = Map.of("readinessProbe", "/health/ready", "livenessProbe", "/health/live",
        "startupProbe", "/health/live");
    paths.forEach((probe, path) -> {
      JsonNode get = o.container().path(probe).path("httpGet");
      assertThat(get.path("path").asText()).as("bff-%s %s path", bff, probe).isEqualTo(path);
      assertThat(Overlay.resolve(get.path("port"), o.container())).as("bff-%s %s port", bff, probe).isEqualTo(admin);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void terminationGraceOutlastsThePreStopPauseAndTheDrain(String bff) {
    Overlay o = overlay(bff);
    List<String> preStop = Overlay.texts(o.container().at("/lifecycle/preStop/exec/command"));
    assertThat(preStop).as("bff-%s preStop: a pause while the endpoints drain", bff).hasSize(2).first()
        .isEqualTo("sleep");
    long pause = Long.parseLong(preStop.get(1));
    long drain = o.config().server().drainTimeout().toSeconds();
    assertThat(pause).as("bff-%s preStop pause", bff).isBetween(1L, 30L);
    assertThat(drain).as("bff-%s server.drain-timeout, the module's", bff)
        .isEqualTo(o.module().server().drainTimeout().toSeconds());
    assertThat(o.pod().path("terminationGracePeriodSeconds").asLong())
        .as("bff-%s terminationGracePeriodSeconds > preStop %ds + drain-timeout %ds", bff, pause, drain)
        .isGreaterThan(pause + drain);
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void everyPodRunsAsNonRootOnAReadOnlyFilesystemWithLimits(String bff) {
    Overlay o = overlay(bff);
    for (ObjectNode w : o.objects()) {
      if (w.path("kind").asText().matches("Deployment|StatefulSet")) {
        assertRestricted(w);
      }
    }
    String user = dockerfile.user(o.name());
    assertThat(user).as("the Dockerfile's %s user", o.name()).matches("[1-9][0-9]*(:[0-9]+)?");
    assertThat(o.pod().at("/securityContext/runAsUser").asText()).as("bff-%s runAsUser: the image's user", bff)
        .isEqualTo(user.split(":")[0]);
    JsonNode tmp = o.container().path("volumeMounts").findParents("mountPath").stream()
        .filter(m -> m.path("mountPath").asText().equals("/tmp")).findFirst().orElse(null);
    assertThat(tmp).as("bff-%s mounts a writable /tmp", bff).isNotNull();
    assertThat(Overlay.volume(o.pod(), tmp.path("name").asText()).has("emptyDir")).as("bff-%s /tmp is an emptyDir", bff)
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void scalingAndDisruptionBudgetTargetTheDeployment(String bff) {
    Overlay o = overlay(bff);
    int replicas = o.deployment().at("/spec/replicas").asInt();
    assertThat(replicas).as("bff-%s replicas", bff).isGreaterThanOrEqualTo(2);
    ObjectNode hpa = o.get("HorizontalPodAutoscaler", o.name());
    assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
    assertThat(hpa.at("/spec/scaleTargetRef/kind").asText() + "/" + hpa.at("/spec/scaleTargetRef/name").asText())
        .as("HPA %s target", o.name()).isEqualTo("Deployment/" + o.name());
    int min = hpa.at("/spec/minReplicas").asInt();
    assertThat(min).as("HPA %s minReplicas: the Deployment's replicas", o.name()).isEqualTo(replicas);
    assertThat(hpa.at("/spec/maxReplicas").asInt()).as("HPA %s maxReplicas", o.name()).isGreaterThan(min);
    assertThat(hpa.at("/spec/metrics").findValuesAsText("name")).as("HPA %s metrics", o.name()).contains("cpu");
    assertThat(o.container().at("/resources/requests/cpu").isMissingNode()).as("the HPA needs a CPU request").isFalse();

    ObjectNode pdb = o.get("PodDisruptionBudget", o.name());
    assertSelects(pdb.at("/spec/selector/matchLabels"), o.deployment(), "PDB " + o.name());
    assertThat(pdb.at("/spec/minAvailable").asInt(0) == 1 || pdb.at("/spec/maxUnavailable").asInt(0) == 1)
        .as("PDB %s: minAvailable 1 or maxUnavailable 1", o.name()).isTrue();

    RateLimitConfig limits = o.config().rateLimits();
    if (!limits.policies().isEmpty()) {
      assertThat(limits.replicas()).as("bff-%s rate-limits.replicas (each limits at limit/replicas without Redis):"
          + " the HPA's minimum", bff).isEqualTo(min);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void upstreamsAndTokenIssuersAreTheInClusterDemoServices(String bff) {
    Overlay o = overlay(bff);
    JsonNode demo = Overlay.find(base, "Deployment", "demo-services");
    JsonNode demoContainer = demo.at("/spec/template/spec/containers/0");
    Set<Integer> servicePorts = new LinkedHashSet<>(
        Overlay.find(base, "Service", "demo-services").at("/spec/ports").findValuesAsText("port").stream()
            .map(Integer::valueOf).toList());
    o.config().upstreams().forEach((name, upstream) -> {
      int port = DemoService.byName(name).defaultPort();
      assertThat(upstream.instances()).as("bff-%s upstreams.%s instances", bff, name)
          .containsExactly(URI.create("http://demo-services:" + port));
      assertThat(o.module().upstreams().get(name).instances().get(0).getPort())
          .as("bff-%s upstreams.%s port in the module's YAML", bff, name).isEqualTo(port);
      assertThat(Overlay.ports(demoContainer).values()).as("demo-services container ports").contains(port);
      assertThat(servicePorts).as("Service demo-services ports").contains(port);
    });
    if (o.config().auth().jwt() != null) {
      int identity = DemoService.IDENTITY.defaultPort();
      String demoHost = demoContainer.path("env").findParents("name").stream()
          .filter(e -> e.path("name").asText().equals("DEMO_HOST")).findFirst().orElseThrow().path("value").asText();
      for (var issuer : o.config().auth().jwt().issuers()) {
        assertThat(issuer.jwksUrl()).as("bff-%s JWKS", bff)
            .isEqualTo(URI.create("http://demo-services:" + identity + "/.well-known/jwks.json"));
        assertThat(issuer.issuer()).as("bff-%s issuer: the iss the demo identity service bound to %s writes", bff,
            demoHost).isEqualTo(DemoServices.baseUrl(demoHost, identity));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void replicasShareRateLimitsAndCacheThroughTheRedisService(String bff) {
    Overlay o = overlay(bff);
    BffConfig c = o.config();
    assertThat(c.redis()).as("bff-%s redis", bff).isNotNull();
    URI url = URI.create(c.redis().url());
    JsonNode service = Overlay.find(base, "Service", "redis");
    JsonNode redis = Overlay.find(base, "StatefulSet", "redis");
    assertThat(url.getHost()).as("bff-%s redis.url host", bff).isEqualTo("redis");
    assertThat(service.at("/spec/ports").findValuesAsText("port")).as("Service redis ports")
        .contains(String.valueOf(url.getPort()));
    assertSelects(service.at("/spec/selector"), redis, "Service redis");
    assertThat(url.getUserInfo()).as("bff-%s redis.url password: the Secret bff-redis", bff)
        .isEqualTo(":" + Overlay.standIn("bff-redis", "password"));
    assertThat(c.cache().store()).as("bff-%s cache.store", bff).isEqualTo(CacheConfig.Store.REDIS);
    if (!c.rateLimits().policies().isEmpty()) {
      assertThat(c.rateLimits().store()).as("bff-%s rate-limits.store", bff).isEqualTo(RateLimitConfig.Store.REDIS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void networkPoliciesLetClientsPrometheusAndOnlyTheGatewaysIn(String bff) {
    Overlay o = overlay(bff);
    ObjectNode policy = o.get("NetworkPolicy", o.name());
    assertSelects(policy.at("/spec/podSelector/matchLabels"), o.deployment(), "NetworkPolicy " + o.name());
    Set<Integer> open = new TreeSet<>();
    Set<Integer> fromNamespaces = new TreeSet<>();
    for (JsonNode rule : policy.at("/spec/ingress")) {
      Set<Integer> ports = new TreeSet<>();
      rule.path("ports").forEach(p -> ports.add(Overlay.resolve(p.path("port"), o.container())));
      if (!rule.has("from")) {
        open.addAll(ports);
      } else if (rule.path("from").findValues("ipBlock").isEmpty()
          && rule.path("from").findValues("namespaceSelector").size() == rule.path("from").size()) {
        fromNamespaces.addAll(ports);
      }
    }
    Set<Integer> clientPorts = new TreeSet<>(listeners(o.config()).values());
    clientPorts.remove(o.config().server().adminPort());
    assertThat(open).as("ports of bff-%s anyone may reach: the client listeners", bff).isEqualTo(clientPorts);
    assertThat(fromNamespaces).as("bff-%s admin port: reached from the monitoring namespace", bff)
        .contains(o.config().server().adminPort());

    assertThat(Overlay.find(base, "NetworkPolicy", "default-deny-ingress").at("/spec/podSelector").size())
        .as("default-deny-ingress selects every pod").isZero();
    for (String backend : List.of("demo-services", "redis")) {
      JsonNode p = Overlay.find(base, "NetworkPolicy", backend);
      JsonNode workload = base.stream().filter(w -> w.path("kind").asText().matches("Deployment|StatefulSet")
          && Kustomize.name(w).equals(backend)).findFirst().orElseThrow();
      assertSelects(p.at("/spec/podSelector/matchLabels"), workload, "NetworkPolicy " + backend);
      assertThat(p.at("/spec/ingress")).as("NetworkPolicy %s: one rule", backend).hasSize(1);
      JsonNode rule = p.at("/spec/ingress/0");
      assertThat(rule.path("from")).as("NetworkPolicy %s: from the gateways only", backend).hasSize(1);
      assertSelects(rule.at("/from/0/podSelector/matchLabels"), o.deployment(), "NetworkPolicy " + backend
          + " peers");
      for (int port : Overlay.ports(workload.at("/spec/template/spec/containers/0")).values()) {
        assertThat(rule.path("ports").findParents("port").stream().anyMatch(r -> r.path("port").asInt() <= port
            && port <= r.path("endPort").asInt(r.path("port").asInt())))
            .as("NetworkPolicy %s lets the gateways reach port %d", backend, port).isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void everySecretReferencedIsCreatedByTheScript(String bff) {
    for (ObjectNode w : overlay(bff).objects()) {
      for (JsonNode ref : w.findValues("secretKeyRef")) {
        assertThat(secrets.creates(ref.path("name").asText(), ref.path("key").asText()))
            .as("%s %s: create-demo-secrets.sh creates Secret %s key %s", w.path("kind").asText(), Kustomize.name(w),
                ref.path("name").asText(), ref.path("key").asText()).isTrue();
      }
      for (JsonNode volume : w.findValues("secret")) {
        assertThat(secrets.secrets()).as("create-demo-secrets.sh creates Secret %s", volume.path("secretName")
            .asText()).containsKey(volume.path("secretName").asText());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void imageIsTheDockerfilesTargetOfThisVersion(String bff) throws IOException {
    Overlay o = overlay(bff);
    assertThat(o.container().path("image").asText()).as("bff-%s image", bff).isEqualTo(o.name() + ":" + version());
    assertThat(dockerfile.stages().get(o.name()).copies()).as("the Dockerfile's %s target copies", o.name())
        .anySatisfy(c -> assertThat(c).containsExactly("/src/" + o.name() + "/target/" + o.name() + ".jar",
            "/app/app.jar"));
    assertThat(Files.readString(ROOT.resolve(o.name() + "/pom.xml"))).as("%s/pom.xml builds target/%s.jar", o.name(),
        o.name()).contains("<artifactId>" + o.name() + "</artifactId>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "mobile", "tv", "partner"})
  void rendersAsKubectlKustomizeDoes(String bff) throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not installed: the renderer is not compared with kustomize's");
    Process p = new ProcessBuilder("kubectl", "kustomize", K8S.resolve("overlays/" + bff).toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize overlays/%s: %s", bff, out).isZero();
    Map<String, JsonNode> kubectl = new LinkedHashMap<>();
    for (JsonNode doc : Kustomize.YAML.readerFor(JsonNode.class).<JsonNode>readValues(out).readAll()) {
      kubectl.put(YamlTrees.id(YamlTrees.withoutHashSuffixes(doc)), doc);
    }
    Map<String, JsonNode> ours = new LinkedHashMap<>();
    overlay(bff).objects().forEach(doc -> ours.put(YamlTrees.id(doc), doc));
    assertThat(ours.keySet()).as("objects").containsExactlyInAnyOrderElementsOf(kubectl.keySet());
    ours.forEach((id, doc) -> assertThat(doc).as(id).isEqualTo(kubectl.get(id)));
  }

  @Test
  void edgeRoutesReachTheGatewaysClientListeners() {
    List<ObjectNode> edge = Kustomize.build(K8S.resolve("edge"));
    Set<String> routed = new TreeSet<>();
    for (ObjectNode route : edge) {
      if (!route.path("kind").asText().equals("HTTPRoute")) {
        continue;
      }
      for (JsonNode ref : route.findValues("backendRefs")) {
        String name = ref.get(0).path("name").asText();
        Overlay o = overlay(name.replaceFirst("^bff-", ""));
        JsonNode port = o.get("Service", name).at("/spec/ports").findParents("port").stream()
            .filter(p -> p.path("port").asInt() == ref.get(0).path("port").asInt()).findFirst()
            .orElseThrow(() -> new AssertionError("HTTPRoute " + Kustomize.name(route) + ": Service " + name
                + " has no port " + ref.get(0).path("port").asInt()));
        assertThat(Overlay.resolve(port.path("targetPort"), o.container())).as("HTTPRoute %s", Kustomize.name(route))
            .isEqualTo(o.config().server().port());
        routed.add(name);
      }
      assertThat(route.at("/spec/parentRefs/0/name").asText()).isEqualTo("bff");
    }
    assertThat(routed).containsExactlyInAnyOrder("bff-web", "bff-mobile", "bff-tv", "bff-partner");
    Overlay partner = overlay("partner");
    ObjectNode mtls = Overlay.find(edge, "Service", "bff-partner-mtls");
    assertSelects(mtls.at("/spec/selector"), partner.deployment(), "Service bff-partner-mtls");
    assertThat(Overlay.resolve(mtls.at("/spec/ports/0/targetPort"), partner.container()))
        .as("Service bff-partner-mtls: the mutual-TLS listener").isEqualTo(partner.config().server().mtls().port());
  }

  @Test
  void demoServicesListenOnEveryDemoServicesPort() throws IOException {
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (DemoService s : DemoService.values()) {
      expected.put(s.serviceName(), s.defaultPort());
    }
    ObjectNode demo = Overlay.find(base, "Deployment", "demo-services");
    assertRestricted(demo);
    JsonNode container = demo.at("/spec/template/spec/containers/0");
    assertThat(Overlay.ports(container)).as("demo-services container ports").isEqualTo(expected);
    Map<String, Integer> service = new LinkedHashMap<>();
    for (JsonNode p : Overlay.find(base, "Service", "demo-services").at("/spec/ports")) {
      service.put(p.path("name").asText(), p.path("port").asInt());
      assertThat(Overlay.resolve(p.path("targetPort"), container)).isEqualTo(p.path("port").asInt());
    }
    assertThat(service).as("Service demo-services ports").isEqualTo(expected);
    assertThat(dockerfile.stages().get("demo-services").exposed()).as("ports the Dockerfile's demo-services exposes")
        .containsExactlyInAnyOrderElementsOf(expected.values());
    assertThat(container.path("image").asText()).isEqualTo("demo-services:" + version());
    assertRestricted(Overlay.find(base, "StatefulSet", "redis"));
  }

  @Test
  void dockerfileRunsTheJarOnAJre17AsANumericNonRootUserWithContainerAwareMemory() {
    for (String target : List.of("bff-web", "bff-mobile", "bff-tv", "bff-partner", "demo-services")) {
      assertThat(dockerfile.baseImage(target)).as("%s base image", target).isEqualTo("eclipse-temurin:17-jre");
      assertThat(dockerfile.user(target)).as("%s user", target).matches("[1-9][0-9]*(:[0-9]+)?");
      assertThat(dockerfile.entrypoint(target)).as("%s entry point", target)
          .startsWith("[\"java\"").contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError")
          .endsWith("\"-jar\", \"/app/app.jar\"]");
      assertThat(dockerfile.stages().get(target).copies()).as("%s copies its jar", target)
          .anySatisfy(c -> assertThat(c[1]).isEqualTo("/app/app.jar"));
    }
  }

  /** The listeners' ports by the container port names the manifests use for them. */
  static Map<String, Integer> listeners(BffConfig c) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("http", c.server().port());
    if (c.server().mtls() != null) {
      ports.put("mtls", c.server().mtls().port());
    }
    ports.put("admin", c.server().adminPort());
    return ports;
  }

  /** The restricted Pod Security Standard's rules the namespace enforces, and resource requests and limits. */
  static void assertRestricted(JsonNode workload) {
    String what = workload.path("kind").asText() + " " + Kustomize.name(workload);
    JsonNode pod = workload.at("/spec/template/spec");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as("%s runAsNonRoot", what).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt(0)).as("%s runAsUser", what).isPositive();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).as("%s seccomp", what)
        .isEqualTo("RuntimeDefault");
    for (JsonNode c : pod.path("containers")) {
      String container = what + " container " + c.path("name").asText();
      assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as("%s privilege escalation",
          container).isFalse();
      assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as("%s read-only root", container)
          .isTrue();
      assertThat(Overlay.texts(c.at("/securityContext/capabilities/drop"))).as("%s drops", container)
          .contains("ALL");
      for (String r : List.of("/resources/requests/cpu", "/resources/requests/memory", "/resources/limits/cpu",
          "/resources/limits/memory")) {
        assertThat(c.at(r).isMissingNode()).as("%s %s", container, r).isFalse();
      }
    }
  }

  /** A selector's labels are all among the pod template's (or the object's own) labels. */
  static void assertSelects(JsonNode selector, JsonNode workload, String what) {
    JsonNode labels = workload.at("/spec/template/metadata/labels");
    assertThat(selector.size()).as("%s selects by some label", what).isPositive();
    selector.fields().forEachRemaining(e -> assertThat(labels.path(e.getKey()).asText()).as("%s selects %s=%s of %s",
        what, e.getKey(), e.getValue().asText(), Kustomize.name(workload)).isEqualTo(e.getValue().asText()));
  }

  /** Variables the container's other variables use as {@code $(NAME)}. */
  static Set<String> referencedByOtherVariables(Overlay o) {
    Set<String> used = new LinkedHashSet<>();
    for (JsonNode e : o.container().path("env")) {
      Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(e.path("value").asText());
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    return used;
  }

  /** The project's version, from the parent pom. */
  static String version() throws IOException {
    Matcher m = Pattern.compile("<artifactId>bff-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertThat(m.find()).as("the parent pom's version").isTrue();
    return m.group(1);
  }

  /** Whether an executable of that name is on the PATH. */
  static boolean onPath(String command) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}

