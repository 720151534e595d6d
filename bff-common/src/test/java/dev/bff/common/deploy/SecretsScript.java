package dev.bff.common.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Secrets {@code deploy/k8s/create-demo-secrets.sh} creates: its {@code secret NAME --from-...}
 * lines, each key with the file it is read from ({@code --from-file=KEY=PATH}) or null for a literal.
 *
 * @param secrets secret name to key to file (relative to the repository root), or to null
 */
record SecretsScript(Map<String, Map<String, String>> secrets) {
  private static final Pattern LINE = Pattern.compile("(?m)^secret (\\S+) (.*)$");
  private static final Pattern SOURCE = Pattern.compile("--from-(literal|file)=([A-Za-z0-9._-]+)=(\\S+)");

  /** Reads the script. */
  static SecretsScript read(Path file) {
    String text;
    try {
      text = Files.readString(file).replaceAll("\\\\\\n\\s*", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
    Matcher line = LINE.matcher(text);
    while (line.find()) {
      Map<String, String> keys = secrets.computeIfAbsent(line.group(1), n -> new LinkedHashMap<>());
      Matcher source = SOURCE.matcher(line.group(2));
      while (source.find()) {
        keys.put(source.group(2), source.group(1).equals("file") ? source.group(3) : null);
      }
    }
    return new SecretsScript(secrets);
  }

  /** Whether the script creates that key of that Secret. */
  boolean creates(String secret, String key) {
    return secrets.getOrDefault(secret, Map.of()).containsKey(key);
  }

  /** The file the key is read from, or null (a literal, or not created). */
  String file(String secret, String key) {
    return secrets.getOrDefault(secret, Map.of()).get(key);
  }
}
