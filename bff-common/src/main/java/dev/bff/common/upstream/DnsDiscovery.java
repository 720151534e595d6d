package dev.bff.common.upstream;

import dev.bff.common.config.UpstreamConfig.DnsConfig;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves an upstream's DNS name to all its addresses every refresh interval (a Kubernetes
 * headless Service gives one address per ready pod). Lookups run on a worker thread, never on an
 * event loop; a failed lookup keeps the last known instances.
 */
public final class DnsDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(DnsDiscovery.class);

  private final Vertx vertx;
  private final UpstreamGroup group;
  private final DnsConfig dns;
  private long timer = -1;

  /** Creates discovery for a group configured with {@code dns}. */
  public DnsDiscovery(Vertx vertx, UpstreamGroup group) {
    this.vertx = vertx;
    this.group = group;
    this.dns = group.config().dns();
  }

  /** Resolves once now; the future completes when the first lookup is done, then refreshes periodically. */
  public io.vertx.core.Future<Void> start() {
    io.vertx.core.Future<Void> first = refresh();
    timer = vertx.setPeriodic(dns.refresh().toMillis(), id -> refresh());
    return first.otherwiseEmpty();
  }

  /** Stops refreshing. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private io.vertx.core.Future<Void> refresh() {
    return vertx.executeBlocking(() -> InetAddress.getAllByName(dns.name()), false)
        .onSuccess(addrs -> {
          List<Instance> fresh = new ArrayList<>();
          for (InetAddress a : addrs) {
            fresh.add(new Instance(a.getHostAddress(), dns.port(), dns.ssl()));
          }
          List<String> before = group.instances().stream().map(Instance::authority).sorted().toList();
          group.replaceInstances(fresh);
          List<String> after = group.instances().stream().map(Instance::authority).sorted().toList();
          if (!before.equals(after)) {
            LOG.info("upstream {}: {} resolved to {}", group.name(), dns.name(), after);
          }
        })
        .onFailure(e -> LOG.warn("upstream {}: lookup of {} failed ({}); keeping {}", group.name(), dns.name(),
            e.getMessage(), group.instances()))
        .mapEmpty();
  }
}
