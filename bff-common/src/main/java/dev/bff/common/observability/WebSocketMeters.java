package dev.bff.common.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one route's WebSocket tunnels, shared by all event loops: how many are open
 * ({@code bff_websockets_open}), and the frames and payload bytes relayed, {@code direction="in"}
 * from clients to the upstream and {@code "out"} from the upstream to clients.
 */
public final class WebSocketMeters {
  static final WebSocketMeters NONE = new WebSocketMeters(null, null);

  private final AtomicLong open = new AtomicLong();
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter bytesIn;
  private final Counter bytesOut;

  WebSocketMeters(Metrics metrics, String route) {
    if (metrics == null) {
      framesIn = framesOut = bytesIn = bytesOut = null;
      return;
    }
    Tags t = Tags.of("route", route);
    Gauge.builder("bff.websockets.open", open, AtomicLong::get).description("WebSocket tunnels open")
        .tags(t).register(metrics.registry());
    String frames = "WebSocket frames relayed (data and control)";
    framesIn = metrics.counter("bff.websocket.frames", frames, t.and("direction", "in"));
    framesOut = metrics.counter("bff.websocket.frames", frames, t.and("direction", "out"));
    bytesIn = payload(metrics, t.and("direction", "in"));
    bytesOut = payload(metrics, t.and("direction", "out"));
  }

  private static Counter payload(Metrics metrics, Tags t) {
    return Counter.builder("bff.websocket.payload").baseUnit("bytes").description("WebSocket payload bytes relayed")
        .tags(t).register(metrics.registry());
  }

  /** A tunnel opened (both sides upgraded). */
  public void opened() {
    open.incrementAndGet();
  }

  /** A tunnel ended (both sides closed). */
  public void closed() {
    open.decrementAndGet();
  }

  /** The tunnels open now. */
  public long open() {
    return open.get();
  }

  /** A frame of {@code bytes} payload bytes was relayed, from the client ({@code in}) or to it. */
  public void frame(boolean in, int bytes) {
    if (framesIn == null) {
      return;
    }
    (in ? framesIn : framesOut).increment();
    if (bytes > 0) {
      (in ? bytesIn : bytesOut).increment(bytes);
    }
  }
}
