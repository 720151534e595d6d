package dev.bff.common.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.x connection whose request head has not arrived in full within a time limit of
 * its first byte: a slowloris client, which trickles its head a byte at a time and so never lets the
 * idle timeout fire, holds a connection for that long at most. The time between requests is not
 * counted (the idle timeout covers it), nor is a body or a response, however long.
 *
 * <p>Two handlers around the HTTP/1.x decoder: one before it starts the clock at the first bytes of
 * a head, one after it stops the clock when the decoder hands on the request. Once the decoder is
 * gone (the connection was upgraded to another protocol) both step aside.
 */
final class HeadTimeout {
  private static final Logger LOG = LoggerFactory.getLogger(HeadTimeout.class);
  private static final String DECODER = "httpDecoder";
  private static final String WATCH = "bff-head-timeout";
  private static final String MARK = "bff-head-complete";

  private final long limitMillis;
  private ScheduledFuture<?> timer;
  private boolean inHead;
  private boolean betweenRequests = true;

  private HeadTimeout(long limitMillis) {
    this.limitMillis = limitMillis;
  }

  /** Puts the two handlers around the pipeline's HTTP/1.x decoder (once); {@code limitMillis <= 0}: none. */
  static void install(ChannelPipeline p, long limitMillis) {
    if (limitMillis <= 0 || p.get(WATCH) != null || !(p.get(DECODER) instanceof HttpRequestDecoder)) {
      return;
    }
    HeadTimeout t = new HeadTimeout(limitMillis);
    p.addBefore(DECODER, WATCH, t.new Watch());
    p.addAfter(DECODER, MARK, t.new Mark());
  }

  private static boolean http1(ChannelHandlerContext ctx) {
    return ctx.pipeline().get(DECODER) instanceof HttpRequestDecoder;
  }

  private void stop() {
    inHead = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void stepAside(ChannelHandlerContext ctx) {
    stop();
    ChannelPipeline p = ctx.pipeline();
    for (String name : new String[] {WATCH, MARK}) {
      ChannelHandler h = p.get(name);
      if (h != null) {
        p.remove(h);
      }
    }
  }

  /** Before the decoder: the first bytes of a head start the clock. */
  private final class Watch extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!http1(ctx)) {
        stepAside(ctx);
      } else if (betweenRequests && !inHead && msg instanceof ByteBuf b && b.isReadable()) {
        inHead = true;
        timer = ctx.executor().schedule(() -> expire(ctx), limitMillis, TimeUnit.MILLISECONDS);
      }
      ctx.fireChannelRead(msg);
    }

    private void expire(ChannelHandlerContext ctx) {
      timer = null;
      if (inHead && http1(ctx) && ctx.channel().isActive()) {
        LOG.debug("closing {}: its request head did not arrive within {} ms", ctx.channel().remoteAddress(),
            limitMillis);
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      stop();
      ctx.fireChannelInactive();
    }
  }

  /** After the decoder: a request stops the clock; its end makes the next bytes a new head. */
  private final class Mark extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        stop();
        betweenRequests = false;
      }
      if (msg instanceof LastHttpContent) {
        betweenRequests = true;
      }
      ctx.fireChannelRead(msg);
    }
  }
}
