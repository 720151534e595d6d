package dev.bff.partner;

import dev.bff.common.routing.BffModule;
import dev.bff.common.server.Bff;

/**
 * The partners' BFF: a small versioned surface ({@code /partner/v1/...}) of catalog and stock
 * reads, all declared as routes in {@code bff-partner.yaml}.
 */
public final class PartnerBff implements BffModule {
  /** Starts bff-partner. */
  public static void main(String[] args) {
    Bff.launch(new PartnerBff(), args);
  }

  @Override
  public String name() {
    return "bff-partner";
  }

  @Override
  public int defaultPort() {
    return 8084;
  }

  @Override
  public int defaultAdminPort() {
    return 9084;
  }
}
