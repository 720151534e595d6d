package dev.bff.common.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bff.common.config.BffConfig;
import dev.bff.common.config.ConfigLoader;
import dev.bff.common.config.EnvSubstitution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One BFF's overlay ({@code deploy/k8s/overlays/<bff>}) rendered, with what its pod would see: the
 * container's environment as the kubelet expands it, the configuration file it is started with, and
 * that file and the module's own YAML loaded by {@link ConfigLoader} with that environment.
 * Secret values are stand-ins ({@link #standIn}); a path into a mounted Secret is the file that
 * {@code create-demo-secrets.sh} puts there; an unset {@code ${NAME:classpath:DIR}} naming a
 * directory of the module's resources (in its jar, not on this test's classpath) is that directory.
 *
 * @param bff        the short name: web, mobile, tv or partner
 * @param objects    everything {@code kubectl apply -k} would create
 * @param env        the gateway container's environment
 * @param configFile the ConfigMap key of the file given to {@code --config}
 * @param configText that file's text
 * @param config     that file, loaded
 * @param module     {@code bff-<bff>/src/main/resources/bff-<bff>.yaml}, loaded with the same environment
 */
record Overlay(String bff, List<ObjectNode> objects, Map<String, String> env, String configFile, String configText,
    BffConfig config, BffConfig module) {

  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern CLASSPATH_DEFAULT =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):classpath:([^}]+)}");

  /** Renders {@code deploy/k8s/overlays/<bff>} and loads the configuration its gateway would run with. */
  static Overlay load(Path root, String bff, SecretsScript secrets) {
    List<ObjectNode> objects = Kustomize.build(root.resolve("deploy/k8s/overlays/" + bff));
    ObjectNode deployment = find(objects, "Deployment", "bff-" + bff);
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode container = container(deployment);
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : container.path("env")) {
      String name = e.get("name").asText();
      if (e.has("value")) {
        env.put(name, mountedFile(root, pod, container, expand(e.get("value").asText(), env), secrets));
      } else if (e.path("valueFrom").has("secretKeyRef")) {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        env.put(name, standIn(ref.path("name").asText(), ref.path("key").asText()));
      } else {
        throw new IllegalStateException("env " + name + ": only value and secretKeyRef are understood here");
      }
    }
    List<String> args = texts(container.path("args"));
    if (args.size() != 2 || !args.get(0).equals("--config")) {
      throw new IllegalStateException("bff-" + bff + ": args must be [--config, FILE], were " + args);
    }
    String path = args.get(1);
    String text = null;
    String key = null;
    for (JsonNode m : container.path("volumeMounts")) {
      String dir = m.path("mountPath").asText() + "/";
      JsonNode volume = volume(pod, m.path("name").asText());
      if (path.startsWith(dir) && volume.has("configMap")) {
        key = path.substring(dir.length());
        text = find(objects, "ConfigMap", volume.get("configMap").get("name").asText()).path("data").path(key)
            .asText(null);
      }
    }
    if (text == null) {
      throw new IllegalStateException("bff-" + bff + ": --config " + path + " is no key of a mounted ConfigMap");
    }
    Path resources = root.resolve("bff-" + bff + "/src/main/resources");
    Path modulePath = resources.resolve("bff-" + bff + ".yaml");
    String moduleText;
    try {
      moduleText = Files.readString(modulePath);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // what the ConfigLoader sees: the environment, and for an unset ${NAME:classpath:DIR} whose DIR is in
    // the module's resources (so in its jar, not on this test's classpath) that directory on disk
    Map<String, String> lookup = new LinkedHashMap<>();
    for (String yaml : List.of(text, moduleText)) {
      Matcher m = CLASSPATH_DEFAULT.matcher(yaml);
      while (m.find()) {
        if (!env.containsKey(m.group(1)) && Files.isDirectory(resources.resolve(m.group(2)))) {
          lookup.put(m.group(1), resources.resolve(m.group(2)).toString());
        }
      }
    }
    lookup.putAll(env);
    ConfigLoader loader = new ConfigLoader(new EnvSubstitution(lookup::get), 0, 0);
    return new Overlay(bff, objects, env, key, text,
        loader.parse(text, "deploy/k8s/overlays/" + bff + " ConfigMap, " + key),
        loader.parse(moduleText, modulePath.toString()));
  }

  /**
   * Stands in for the value of a Secret's key: 64 hex digits (so it passes as a token, a password or a
   * SHA-256 digest), different for each key.
   */
  static String standIn(String secret, String key) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest((secret + "/" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The object of that kind and name. */
  static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && Kustomize.name(o).equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /** The object of that kind and name in this overlay. */
  ObjectNode get(String kind, String name) {
    return find(objects, kind, name);
  }

  /** {@code bff-<bff>}: the name of the Deployment, Service, HPA, PDB and NetworkPolicy. */
  String name() {
    return "bff-" + bff;
  }

  /** The gateway's Deployment. */
  ObjectNode deployment() {
    return get("Deployment", name());
  }

  /** Its pod spec. */
  JsonNode pod() {
    return deployment().path("spec").path("template").path("spec");
  }

  /** Its container, {@code bff}. */
  JsonNode container() {
    return container(deployment());
  }

  /** The container's ports by name. */
  Map<String, Integer> ports() {
    return ports(container());
  }

  /** A container's ports by name. */
  static Map<String, Integer> ports(JsonNode container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    return ports;
  }

  /** The number a probe's, Service's or policy's port (a name or a number) stands for in the container. */
  static int resolve(JsonNode port, JsonNode container) {
    if (port.isInt()) {
      return port.asInt();
    }
    Integer p = ports(container).get(port.asText());
    if (p == null) {
      throw new AssertionError("no container port named " + port.asText());
    }
    return p;
  }

  /** The text values of an array. */
  static List<String> texts(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  /** The pod's volume of that name. */
  static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  private static JsonNode container(JsonNode deployment) {
    for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
      if (c.path("name").asText().equals("bff")) {
        return c;
      }
    }
    throw new AssertionError(Kustomize.name(deployment) + " has no container named bff");
  }

  /** {@code $(NAME)} of a variable defined earlier is replaced, as the kubelet does; others stay. */
  private static String expand(String value, Map<String, String> earlier) {
    Matcher m = VAR_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = earlier.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    return m.appendTail(out).toString();
  }

  /** A path into a mounted Secret becomes the local file the script creates that key from. */
  private static String mountedFile(Path root, JsonNode pod, JsonNode container, String value,
      SecretsScript secrets) {
    for (JsonNode m : container.path("volumeMounts")) {
      String dir = m.path("mountPath").asText() + "/";
      JsonNode volume = volume(pod, m.path("name").asText());
      if (value.startsWith(dir) && volume.has("secret")) {
        String secret = volume.get("secret").get("secretName").asText();
        String file = secrets.file(secret, value.substring(dir.length()));
        if (file == null) {
          throw new AssertionError(value + ": create-demo-secrets.sh puts no file " + value.substring(dir.length())
              + " into the Secret " + secret);
        }
        return root.resolve(file).toString();
      }
    }
    return value;
  }
}
