package dev.bff.demo;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of {@link DemoServices#main}: {@code --only catalog,echo},
 * {@code --port-offset N}, {@code --host H} (also {@code --name=value}); the host defaults to the
 * {@code DEMO_HOST} environment variable, then to 127.0.0.1.
 *
 * @param services   the services to start
 * @param portOffset added to every default port
 * @param host       the address to bind
 */
public record LaunchOptions(Set<DemoService> services, int portOffset, String host) {

  /** The usage text printed for {@code --help} and bad options. */
  public static final String USAGE = "usage: demo-services [--only " + DemoService.names()
    + "] [--port-offset N] [--host 127.0.0.1]   (env DEMO_HOST sets the default host)";

  /**
   * Parses {@code args}, using {@code env} for defaults.
   *
   * @throws IllegalArgumentException for an unknown option, a missing value or an unknown service
   */
  public static LaunchOptions parse(String[] args, Map<String, String> env) {
    Set<DemoService> services = EnumSet.allOf(DemoService.class);
    int offset = 0;
    String host = env.getOrDefault("DEMO_HOST", DemoServices.DEFAULT_HOST);
    List<String> list = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        list.add(arg.substring(0, eq));
        list.add(arg.substring(eq + 1));
      } else {
        list.add(arg);
      }
    }
    for (int i = 0; i < list.size(); i++) {
      String option = list.get(i);
      if (!option.equals("--only") && !option.equals("--port-offset") && !option.equals("--host")) {
        throw new IllegalArgumentException("unknown option '" + option + "'");
      }
      if (i + 1 >= list.size()) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = list.get(++i);
      switch (option) {
        case "--only" -> {
          services = EnumSet.noneOf(DemoService.class);
          for (String name : value.split(",")) {
            if (!name.isBlank()) {
              services.add(DemoService.byName(name));
            }
          }
        }
        case "--port-offset" -> {
          try {
            offset = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port-offset needs an integer, got '" + value + "'", e);
          }
        }
        default -> host = value;
      }
    }
    if (services.isEmpty()) {
      throw new IllegalArgumentException("--only names no service");
    }
    return new LaunchOptions(Set.copyOf(services), offset, host);
  }

  /** Service name → port for {@link DemoServices#start(io.vertx.core.Vertx, Map, String)}. */
  public Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (DemoService service : DemoService.values()) {
      if (services.contains(service)) {
        ports.put(service.serviceName(), service.defaultPort() + portOffset);
      }
    }
    return ports;
  }
}
