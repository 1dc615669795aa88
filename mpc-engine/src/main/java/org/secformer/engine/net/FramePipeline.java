package org.secformer.engine.net;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
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

  /** Adds only the framing stages (for tests on an EmbeddedChannel, or links without TLS). */
  public static void addFraming(ChannelPipeline p, NetOptions options) {
    p.addLast(LENGTH, new FrameLengthDecoder(options.maxFrameBytes()));
    p.addLast(CODEC, new FrameCodec(options.maxFrameBytes()));
    p.addLast(ERRORS, new FrameErrorHandler());
  }
}
