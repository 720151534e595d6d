package dev.bff.common.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's HTTP/1.x request decoder, except that a request with both {@code Content-Length} and
 * {@code Transfer-Encoding: chunked} keeps both headers. Netty drops the Content-Length and reads
 * the chunks, so nothing after it could tell such a request (the classic request-smuggling
 * ambiguity) from a plain chunked one; with both headers left, {@link Framing} refuses it. It also
 * refuses a header line with an empty name (Netty would pass {@code ": x"} on as a header) and a
 * protocol version other than HTTP/1.x, which Vert.x answers with a bare 501; HTTP/1.2 and the like
 * are read as HTTP/1.1 (RFC 9112, 2.6). Refused heads reach the gateway as invalid requests: 400.
 * {@link HeadTimeout} comes with it: a head must arrive within the idle timeout of its first byte.
 *
 * <p>{@link #install} puts it in place of the stock decoder when a connection opens. Over TLS (and
 * without h2c) that is before the first byte is decoded. On a plain-text port that also accepts h2c,
 * Vert.x tells of the connection only once the first request's head is decoded: the decoder is then
 * swapped when that request ends, and a chunked first request, whose Content-Length may have been
 * dropped unseen, is answered with {@code Connection: close} and nothing after it on the connection
 * is read.
 */
final class StrictDecoder extends VertxHttpRequestDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(StrictDecoder.class);
  private static final String DECODER = "httpDecoder"; // the name Vert.x gives its HTTP/1.x decoder
  private static final AttributeKey<Boolean> UNVERIFIED = AttributeKey.valueOf("bff.unverifiedFirstRequest");
  private static final AttributeKey<Boolean> LAST_REQUEST = AttributeKey.valueOf("bff.lastRequest");
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final Pattern LATER_HTTP1 = Pattern.compile("HTTP/1\\.[2-9]");

  private StrictDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // keep Content-Length: Framing answers 400 and closes the connection
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    String version = initialLine[2];
    if (LATER_HTTP1.matcher(version).matches()) {
      initialLine[2] = HttpVersion.HTTP_1_1.text();
    } else if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new IllegalArgumentException("unsupported protocol version");
    }
    return super.createMessage(initialLine);
  }

  @Override
  protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
    if (length == 0) {
      throw new IllegalArgumentException("empty header name");
    }
    return super.splitHeaderName(sb, start, length);
  }

  /** The head timeout: the listener's idle timeout. */
  private static long headTimeoutMillis(HttpServerOptions options) {
    return options.getIdleTimeoutUnit().toMillis(options.getIdleTimeout());
  }

  /** Replaces the HTTP/1.x decoder of a new connection (HTTP/2 connections are left alone). */
  static void install(HttpConnection connection, HttpServerOptions options) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    try {
      Channel ch = base.channel();
      ChannelPipeline p = ch.pipeline();
      ChannelHandler stock = p.get(DECODER);
      if (!(stock instanceof HttpRequestDecoder) || stock instanceof StrictDecoder) {
        return;
      }
      if (p.get("h2c") == null) { // nothing decoded yet
        p.replace(stock, DECODER, new StrictDecoder(options));
        HeadTimeout.install(p, headTimeoutMillis(options));
        return;
      }
      ch.attr(UNVERIFIED).set(Boolean.TRUE);
      p.addAfter(DECODER, "bff-first-request", new AfterFirstRequest(options));
    } catch (RuntimeException e) { // a Vert.x whose pipeline looks different: keep its decoder
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("cannot install the strict HTTP/1.x decoder; Content-Length with Transfer-Encoding is read as "
            + "chunked", e);
      }
    }
  }

  /**
   * Whether {@code req} is the first request of a plain-text connection decoded by the stock
   * decoder; if it is, no further request is read on that connection.
   */
  static boolean unverified(HttpServerRequest req) {
    if (!(req.connection() instanceof ConnectionBase base)) {
      return false;
    }
    Channel ch = base.channel();
    if (!ch.hasAttr(UNVERIFIED) || ch.attr(UNVERIFIED).get() == null) { // hasAttr first: attr() would create it
      return false;
    }
    ch.attr(LAST_REQUEST).set(Boolean.TRUE);
    return true;
  }

  /**
   * Stops decoding the connection of {@code req}: bytes after a request whose framing is refused
   * could be anything (a smuggled request), so they are dropped until the connection closes.
   */
  static void discardRest(HttpServerRequest req) {
    if (!(req.connection() instanceof ConnectionBase base)) {
      return;
    }
    base.channel().attr(LAST_REQUEST).set(Boolean.TRUE);
    ChannelPipeline p = base.channel().pipeline();
    ChannelHandler decoder = p.get(DECODER);
    if (decoder != null && !(decoder instanceof Discard)) {
      p.replace(decoder, DECODER, new Discard());
    }
  }

  /**
   * Whether {@code req} came after a request its connection ends with (a refused framing, an
   * unverified first request): pipelined behind that one, it was decoded before the gateway knew,
   * and Vert.x hands it on once the answer before it is sent. It must not be served: it may be a
   * request smuggled in the body of the one before.
   */
  static boolean behindLastRequest(HttpServerRequest req) {
    if (!(req.connection() instanceof ConnectionBase base)) {
      return false;
    }
    Channel ch = base.channel();
    return ch.hasAttr(LAST_REQUEST) && Boolean.TRUE.equals(ch.attr(LAST_REQUEST).get());
  }

  /** Swaps in the strict decoder when the first request has been read (or stops reading). */
  private static final class AfterFirstRequest extends ChannelInboundHandlerAdapter {
    private final HttpServerOptions options;

    AfterFirstRequest(HttpServerOptions options) {
      this.options = options;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean last = msg instanceof LastHttpContent;
      ctx.fireChannelRead(msg);
      if (!last) {
        return;
      }
      ChannelPipeline p = ctx.pipeline();
      Channel ch = ctx.channel();
      ch.attr(UNVERIFIED).set(null);
      ChannelHandler stock = p.get(DECODER);
      if (stock instanceof HttpRequestDecoder && !(stock instanceof StrictDecoder)) {
        // the stock decoder is between two requests: what it still holds goes on to the replacement
        boolean lastRequest = Boolean.TRUE.equals(ch.attr(LAST_REQUEST).get());
        p.replace(stock, DECODER, lastRequest ? new Discard() : new StrictDecoder(options));
        if (!lastRequest) {
          HeadTimeout.install(p, headTimeoutMillis(options));
        }
      }
      p.remove(this);
    }
  }

  /** Drops whatever a client sends after a request that ends its connection. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
