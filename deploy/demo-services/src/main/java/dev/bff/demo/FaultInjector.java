package dev.bff.demo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Holds the fault rules of one service and applies the matching rule to each request before the
 * real handler runs. Rules change at runtime (through {@code /_admin/faults} or this API); each change
 * publishes a new immutable {@link FaultRules} snapshot, so lookups never lock.
 */
public final class FaultInjector {

  private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
  /** Routing-context key marking a request this injector reset, so it is not counted as closed early. */
  static final String RESET_BY_FAULT = "demo.fault.reset";
  /** HTTP/2 INTERNAL_ERROR, the code of the RST_STREAM sent by a reset fault. */
  private static final long H2_INTERNAL_ERROR = 0x2;

  private final Vertx vertx;
  private final String service;
  private final Map<String, FaultRule> rules = new LinkedHashMap<>();
  private volatile FaultRules snapshot = FaultRules.EMPTY;

  /** Creates an injector with no rules for the named service. */
  public FaultInjector(Vertx vertx, String service) {
    this.vertx = vertx;
    this.service = service;
  }

  /** Adds {@code rule}, replacing any rule with the same path; returns the rule. */
  public synchronized FaultRule add(FaultRule rule) {
    rules.put(rule.path(), rule);
    snapshot = new FaultRules(rules.values());
    LOG.info("{}: fault rule set {}", service, rule.toJson().encode());
    return rule;
  }

  /** Removes the rule with exactly this path; returns whether one existed. */
  public synchronized boolean remove(String path) {
    boolean removed = rules.remove(path) != null;
    snapshot = new FaultRules(rules.values());
    return removed;
  }

  /** Removes every rule; returns how many there were. */
  public synchronized int clear() {
    int count = rules.size();
    rules.clear();
    snapshot = FaultRules.EMPTY;
    return count;
  }

  /** The current rules, in insertion order. */
  public List<FaultRule> rules() {
    return snapshot.all();
  }

  /** The rule for a request: the most specific one, or only an exact one for {@code /health}. */
  FaultRule match(String path, HttpMethod method, boolean exactOnly) {
    FaultRules current = snapshot;
    if (current.isEmpty()) {
      return null;
    }
    return exactOnly ? current.findExact(path, method) : current.find(path, method);
  }

  /** Applies {@code rule} to the request, then continues with {@code ctx.next()} unless it answered. */
  void apply(RoutingContext ctx, FaultRule rule) {
    if (rule.latencyMs() <= 0) {
      disrupt(ctx, rule);
      return;
    }
    HttpServerRequest request = ctx.request();
    // Keep the body (and the request's end) queued while we wait, so the real handler still sees it.
    request.pause();
    vertx.setTimer(rule.latencyMs(), id -> {
      if (ctx.response().closed()) {
        return;
      }
      disrupt(ctx, rule);
      if (!rule.hang() && !rule.reset()) {
        request.resume();
      }
    });
  }

  private void disrupt(RoutingContext ctx, FaultRule rule) {
    if (rule.reset()) {
      ctx.put(RESET_BY_FAULT, Boolean.TRUE);
      reset(ctx.request());
    } else if (rule.hang()) {
      ctx.request().pause();
    } else if (rule.status() != null && ThreadLocalRandom.current().nextDouble() < rule.errorRate()) {
      Replies.json(ctx, rule.status(), new JsonObject()
        .put("error", "injected_fault")
        .put("status", rule.status())
        .put("message", service + ": fault injected for " + rule.path()));
    } else {
      if (rule.trickle() != null) {
        ctx.put(Replies.TRICKLE, rule.trickle());
      }
      ctx.next();
    }
  }

  /** Drops the request abruptly: RST_STREAM on HTTP/2, a TCP reset (SO_LINGER 0) on HTTP/1.x. */
  private static void reset(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      request.response().reset(H2_INTERNAL_ERROR);
      return;
    }
    HttpConnection connection = request.connection();
    if (connection instanceof ConnectionBase base) {
      Channel channel = base.channel();
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      channel.close();
    } else {
      connection.close();
    }
  }
}
