package dev.bff.web.reliability;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WARN and ERROR lines a replica logged, counted by logger and the start of the message (time,
 * thread and the varying tail of a message left out), so that a run's report shows what the gateway
 * complained about and how often.
 */
final class GatewayLog {
  private static final Pattern LINE = Pattern.compile("^[0-9:.]+ (WARN|ERROR) +\\[[^\\]]*\\] (\\S+) - (.*)$");

  private GatewayLog() {}

  /** {@code "ERROR logger - message start"} to count. */
  static Map<String, Integer> complaints(String output) {
    Map<String, Integer> out = new TreeMap<>();
    for (String line : output.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        String message = m.group(3).replaceAll("[0-9a-f]{16,}", "…").replaceAll("\\d+", "N");
        out.merge(m.group(1) + " " + m.group(2) + " - " + (message.length() > 110 ? message.substring(0, 110) + "…"
            : message), 1, Integer::sum);
      }
    }
    return out;
  }
}
