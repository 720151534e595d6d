package dev.bff.tv;

import dev.bff.common.routing.BffModule;
import dev.bff.common.routing.Endpoints;
import dev.bff.common.server.Bff;

/**
 * The smart-TV apps' BFF: browse rails with large artwork and no long text. {@code /tv/browse} is
 * composed in Java ({@link Browse}); {@code /tv/product-details/:id} is declared in
 * {@code bff-tv.yaml}.
 */
public final class TvBff implements BffModule {
  /** Starts bff-tv. */
  public static void main(String[] args) {
    Bff.launch(new TvBff(), args);
  }

  @Override
  public String name() {
    return "bff-tv";
  }

  @Override
  public int defaultPort() {
    return 8083;
  }

  @Override
  public int defaultAdminPort() {
    return 9083;
  }

  @Override
  public void endpoints(Endpoints e) {
    e.get("browse", "/tv/browse", Browse.composition());
  }
}
