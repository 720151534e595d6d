package dev.bff.mobile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.testing.BffUnderTest;
import dev.bff.common.testing.BuiltInBff;
import dev.bff.common.testing.DemoStack;
import dev.bff.web.WebBff;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mobile product screen costs at most a quarter of the web product page's JSON bytes, product by
 * product (both uncompressed; gzip narrows the gap, since review texts compress well).
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class PayloadBudgetTest {
  @Test
  void mobileIsAtMostAQuarterOfWebForTheSameProduct(Vertx vertx) {
    try (DemoStack demo = DemoStack.start(vertx);
        BffUnderTest web = BuiltInBff.start(vertx, new WebBff(), demo.vars());
        BffUnderTest mobile = BuiltInBff.start(vertx, new MobileBff(), demo.vars())) {
      for (int id = 1; id <= 120; id += 7) {
        var w = web.get("/api/product-details/" + id);
        var m = mobile.get("/m/product-details/" + id);
        assertThat(w.status()).isEqualTo(200);
        assertThat(m.status()).isEqualTo(200);
        assertThat(w.header("bff-degraded")).isNull();
        assertThat(m.header("bff-degraded")).isNull();
        assertThat(m.body().length()).as("product %d: mobile %d bytes, web %d bytes", id, m.body().length(),
            w.body().length()).isLessThanOrEqualTo(w.body().length() / 4);
      }
    }
  }
}
