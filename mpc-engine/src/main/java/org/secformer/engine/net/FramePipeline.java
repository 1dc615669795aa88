package org.secformer.engine.net;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import java.util.Set;
import org.secformer.engine.tls.PeerRoleVerifier;
import org.secformer.engine.tls.Role;
import org.secformer.shares.control.ErrorCode;

/**
 * The standard pipeline of every engine link, in this order (named stages):
 *
 * <ol>
 *   <li>{@value #SSL}: TLS 1.3, mutual ({@link org.secformer.engine.tls.SslContexts});
 *   <li>{@value #ROLE}: {@link PeerRoleVerifier} (removes itself once the peer's role is accepted; a
 *       refused peer gets an UNAUTHORIZED ERROR frame and is closed);
 *   <li>{@value #LENGTH}: {@link FrameLengthDecoder} (maximum frame size);
 *   <li>{@value #CODEC}: {@link FrameCodec};
 *   <li>{@value #ERRORS}: {@link FrameErrorHandler};
 *   <li>then the application handler, added by the caller.
 * </ol>
 */
public final class FramePipeline {
  public static final String SSL = "ssl";
  public static final String ROLE = "peerRole";
  public static final String LENGTH = "frameLength";
  public static final String CODEC = "frameCodec";
  public static final String ERRORS = "frameErrors";
  public static final String SHAPER = "netemShaper";
  public static final String DELAY = "netemDelay";
  /**
   * The traffic shaper's accounting window. Netty's shaper never holds a write for less than 10 ms, so
   * what counts is how much it remembers: a short window keeps a burst's debt from delaying the small
   * messages of later rounds, a window much shorter than 10 ms would forget bursts it should still pace.
   */
  static final long SHAPER_CHECK_INTERVAL_MS = 10;

  private FramePipeline() {}

  /** Adds TLS, role check and framing; the caller adds its handler last. */
  public static void install(
      ChannelPipeline p, SslHandler ssl, String link, Set<Role> allowedPeers, NetOptions options) {
    installTls(p, ssl, link, allowedPeers, options);
    addFraming(p, options);
  }

  /** Adds only TLS and the role check; the listeners add framing and their handler with their {@code attach}. */
  public static void installTls(
      ChannelPipeline p, SslHandler ssl, String link, Set<Role> allowedPeers, NetOptions options) {
    ssl.setHandshakeTimeoutMillis(options.connectTimeout().toMillis());
    p.addLast(SSL, ssl);
    p.addLast(
        ROLE,
        new PeerRoleVerifier(
            link, allowedPeers, reason -> Wire.errorFrame("", -1, ErrorCode.UNAUTHORIZED, reason)));
  }

  /**
   * Puts an emulated network under TLS (so it sees the bytes a real link carries): outbound records are
   * paced to the emulated bandwidth by Netty's {@link ChannelTrafficShapingHandler}, then held for the
   * one-way delay by a {@link DelayLine}. Nothing is added for {@link NetworkEmulation#NONE}. Only the
   * P0&lt;-&gt;P1 links call this.
   */
  public static void addNetworkEmulation(ChannelPipeline p, NetworkEmulation emulation) {
    if (emulation.bitsPerSecond() > 0) {
      p.addFirst(SHAPER, new ChannelTrafficShapingHandler(emulation.bytesPerSecond(), 0, SHAPER_CHECK_INTERVAL_MS));
    }
    if (!emulation.oneWayDelay().isZero()) {
      p.addFirst(DELAY, new DelayLine(emulation.oneWayDelay()));
    }
  }

  /** Adds only the framing stages (for tests on an EmbeddedChannel, or links without TLS). */
  public static void addFraming(ChannelPipeline p, NetOptions options) {
    p.addLast(LENGTH, new FrameLengthDecoder(options.maxFrameBytes()));
    p.addLast(CODEC, new FrameCodec(options.maxFrameBytes()));
    p.addLast(ERRORS, new FrameErrorHandler());
  }
}
