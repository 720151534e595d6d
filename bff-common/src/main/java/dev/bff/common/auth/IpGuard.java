package dev.bff.common.auth;

import dev.bff.common.config.AccessConfig.IpFilter;
import dev.bff.common.proxy.Forwarding;
import dev.bff.common.routing.Category;
import dev.bff.common.routing.Exchange;
import dev.bff.common.routing.Target;

/**
 * A route open only to some client addresses (its {@code ip-filter}), judged on the client address
 * after the trusted proxies' {@code X-Forwarded-For}: anything else gets 403 before an upstream
 * sees it.
 */
public final class IpGuard implements Target {
  private final Target next;
  private final IpFilter filter;
  private final Forwarding forwarding;

  /** Guards {@code next}. */
  public IpGuard(Target next, IpFilter filter, Forwarding forwarding) {
    this.next = next;
    this.filter = filter;
    this.forwarding = forwarding;
  }

  @Override
  public void serve(Exchange ex) {
    if (filter.permits(forwarding.clientAddress(ex.request()))) {
      next.serve(ex);
    } else {
      ex.fail(Category.FORBIDDEN, "this route is not open to the client's address");
    }
  }

  @Override
  public String describe() {
    return "ip-filter allow=" + filter.allow() + " deny=" + filter.deny() + " -> " + next.describe();
  }
}
