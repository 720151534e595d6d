package dev.bff.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bff.common.config.RedisConfig;
import dev.bff.common.testing.OnContext;
import dev.bff.common.testing.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many commands in flight from several event loops all answer, in order, over the bounded pool; a restart is survived. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class SharedRedisTest {
  TestRedis redis;
  SharedRedis shared;

  @BeforeEach
  void start(Vertx vertx) {
    redis = TestRedis.start();
    shared = new SharedRedis(vertx, new RedisConfig(redis.url(), Duration.ofSeconds(2), 4));
  }

  @AfterEach
  void stop() {
    shared.close();
    redis.close();
  }

  private List<String> incrementsFrom(Context ctx, int n) {
    return OnContext.await(ctx, () -> {
      List<Future<String>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(shared.send(Request.cmd(Command.INCR).arg("n")).map(r -> r.toString()));
      }
      return Future.all(all).map(cf -> cf.<String>list());
    });
  }

  @Test
  void manyCommandsInFlightFromSeveralEventLoopsAllAnswer(Vertx vertx) throws Exception {
    Context a = vertx.getOrCreateContext();
    Context b = vertx.getOrCreateContext();
    List<String> fromA = incrementsFrom(a, 500);
    List<String> fromB = incrementsFrom(b, 500);
    assertThat(fromA).hasSize(500);
    assertThat(fromB).hasSize(500);
    assertThat(redis.run("GET", "n")).isEqualTo("1000");
    String clients = redis.run("CLIENT", "LIST");
    assertThat(clients.lines().count()).as("the pool of 4, not one connection per command").isLessThanOrEqualTo(5);
  }

  @Test
  void commandsSentFromRedisCallbacksStayWithinThePool(Vertx vertx) throws Exception {
    Context a = vertx.getOrCreateContext();
    List<String> last = OnContext.await(a, () -> {
      List<Future<String>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) { // each second command is sent from the first one's callback
        all.add(shared.send(Request.cmd(Command.INCR).arg("m"))
            .compose(r -> shared.send(Request.cmd(Command.INCR).arg("m")))
            .compose(r -> shared.send(Request.cmd(Command.INCR).arg("m"))).map(r -> r.toString()));
      }
      return Future.all(all).map(cf -> cf.<String>list());
    });
    assertThat(last).hasSize(200);
    assertThat(redis.run("GET", "m")).isEqualTo("600");
    assertThat(redis.run("CLIENT", "LIST").lines().count()).as("at most the pool of 4")
        .isLessThanOrEqualTo(5);
  }

  @Test
  void afterARedisRestartCommandsConnectAgain(Vertx vertx) throws Exception {
    Context a = vertx.getOrCreateContext();
    assertThat(incrementsFrom(a, 3)).containsExactlyInAnyOrder("1", "2", "3");
    redis.restart();
    List<String> after = null;
    for (int i = 0; i < 20 && after == null; i++) {
      try {
        after = incrementsFrom(a, 2);
      } catch (RuntimeException e) {
        Thread.sleep(100); // the first command may meet the dead connection
      }
    }
    assertThat(after).containsExactlyInAnyOrder("1", "2");
  }
}
