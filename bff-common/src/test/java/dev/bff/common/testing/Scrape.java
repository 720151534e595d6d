package dev.bff.common.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scrape of a BFF's {@code /metrics} (Prometheus text format), parsed into series: a metric name,
 * its labels and a value. Comments ({@code # HELP}, {@code # TYPE}) are kept in {@link #text()} only.
 */
public final class Scrape {
  /** One series. */
  public record Series(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Series> series = new ArrayList<>();

  private Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        parseLabels(line.substring(brace + 1, line.lastIndexOf('}')), labels);
      }
      String v = line.substring(space + 1);
      series.add(new Series(name, labels, v.equals("+Inf") ? Double.POSITIVE_INFINITY
          : v.equals("NaN") ? Double.NaN : Double.parseDouble(v)));
    }
  }

  private static void parseLabels(String s, Map<String, String> out) {
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      String key = s.substring(i, eq).trim();
      StringBuilder v = new StringBuilder();
      int j = eq + 2; // past ="
      while (s.charAt(j) != '"') {
        if (s.charAt(j) == '\\') {
          j++;
          v.append(s.charAt(j) == 'n' ? '\n' : s.charAt(j));
        } else {
          v.append(s.charAt(j));
        }
        j++;
      }
      out.put(key, v.toString());
      i = j + 1;
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      }
    }
  }

  /** Parses a scrape. */
  public static Scrape parse(String text) {
    return new Scrape(text);
  }

  /** Scrapes the admin listener of {@code bff}. */
  public static Scrape of(BffUnderTest bff) {
    BffUnderTest.Response r = OnContext.await(bff.context(), () -> bff.client()
        .request(io.vertx.core.http.HttpMethod.GET, bff.adminPort(), "127.0.0.1", "/metrics")
        .compose(req -> req.send()).compose(resp -> resp.body().map(b -> new BffUnderTest.Response(resp.statusCode(),
            resp.headers(), b))));
    if (r.status() != 200) {
      throw new AssertionError("GET /metrics answered " + r.status() + ": " + r.body());
    }
    return new Scrape(r.body().toString());
  }

  /** The raw text. */
  public String text() {
    return text;
  }

  /** Every series. */
  public List<Series> series() {
    return series;
  }

  /**
   * The sum of the series named {@code name} whose labels include every given pair
   * ({@code "route", "items", "status", "2xx"}); 0 when there is none.
   */
  public double value(String name, String... labels) {
    double sum = 0;
    for (Series s : series) {
      if (s.name().equals(name) && matches(s, labels)) {
        sum += s.value();
      }
    }
    return sum;
  }

  /** Whether a series named {@code name} with these labels exists. */
  public boolean has(String name, String... labels) {
    return series.stream().anyMatch(s -> s.name().equals(name) && matches(s, labels));
  }

  private static boolean matches(Series s, String[] labels) {
    for (int i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }
}
