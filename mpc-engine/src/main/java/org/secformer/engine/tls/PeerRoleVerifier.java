package org.secformer.engine.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a peer only if its certificate names a role this link expects. Sits right after the {@link
 * SslHandler}; when the TLS handshake completes it reads the CN of the peer's certificate (already
 * chain-checked against the project CA by TLS), and
 *
 * <ul>
 *   <li>if the role is allowed: stores it in the channel attribute {@link #PEER_ROLE}, passes the
 *       handshake event on, fires {@link Verified} downstream and removes itself;
 *   <li>otherwise, or if the handshake failed: logs one WARN line naming the link, the remote address, the
 *       presented role and the roles expected (never key material), optionally writes a rejection message
 *       through the whole pipeline, and closes the channel.
 * </ul>
 *
 * Bytes that arrive before the verdict are dropped and close the channel. One instance per channel.
 */
public final class PeerRoleVerifier extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(PeerRoleVerifier.class);

  /** The verified role of the peer, set before {@link Verified} is fired. */
  public static final AttributeKey<Role> PEER_ROLE = AttributeKey.valueOf("secformer.peerRole");

  /** User event fired downstream once the peer's role is accepted. */
  public record Verified(Role role) {}

  private final String link;
  private final Set<Role> allowed;
  private final Function<String, Object> rejection;
  private boolean rejected;

  /**
   * @param link a short name of this link for logs, such as {@code "p0 peer port"}
   * @param allowed the roles admitted
   * @param rejection maps a refusal reason to a message written to the peer before closing (such as an
   *     error frame), or null to just close
   */
  public PeerRoleVerifier(String link, Set<Role> allowed, Function<String, Object> rejection) {
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("link '" + link + "' must allow at least one role");
    }
    this.link = link;
    this.allowed = EnumSet.copyOf(allowed);
    this.rejection = rejection;
  }

  public PeerRoleVerifier(String link, Set<Role> allowed) {
    this(link, allowed, null);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof SslHandshakeCompletionEvent done)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (!done.isSuccess()) {
      LOG.warn(
          "TLS handshake with {} on link '{}' failed: {}",
          ctx.channel().remoteAddress(), link, describe(done.cause()));
      ctx.fireUserEventTriggered(evt);
      ctx.close();
      return;
    }
    String presented;
    String subject;
    try {
      X509Certificate cert = peerCertificate(ctx);
      subject = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
      presented = commonName(cert.getSubjectX500Principal());
    } catch (SSLPeerUnverifiedException e) {
      reject(ctx, "<no certificate>", "-", "the peer presented no certificate");
      return;
    }
    Role role = Role.fromCommonName(presented);
    if (role == null || !allowed.contains(role)) {
      reject(ctx, presented, subject, "role '" + presented + "' is not allowed on link '" + link
          + "' (expected one of " + allowed + ")");
      return;
    }
    ctx.channel().attr(PEER_ROLE).set(role);
    LOG.debug("link '{}': peer {} verified as role {}", link, ctx.channel().remoteAddress(), role);
    ctx.fireUserEventTriggered(evt);
    ctx.fireUserEventTriggered(new Verified(role));
    ctx.pipeline().remove(this);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    if (rejected) {
      return; // refused already and closing
    }
    rejected = true;
    LOG.warn("link '{}': data from {} before its role was verified; closing", link, ctx.channel().remoteAddress());
    ctx.close();
  }

  private void reject(ChannelHandlerContext ctx, String presented, String subject, String reason) {
    rejected = true;
    LOG.warn(
        "refusing peer {} on link '{}': it presented role '{}' (subject {}) but this link accepts only {}",
        ctx.channel().remoteAddress(), link, presented, subject, allowed);
    if (rejection != null && ctx.channel().isActive()) {
      ctx.channel().writeAndFlush(rejection.apply(reason)).addListener(f -> ctx.channel().close());
    } else {
      ctx.close();
    }
  }

  private static X509Certificate peerCertificate(ChannelHandlerContext ctx) throws SSLPeerUnverifiedException {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      throw new SSLPeerUnverifiedException("no SslHandler in the pipeline");
    }
    Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
      throw new SSLPeerUnverifiedException("no X.509 peer certificate");
    }
    return x;
  }

  /** The CN of {@code principal}, or "" if it has none. */
  static String commonName(X500Principal principal) {
    try {
      for (Rdn rdn : new LdapName(principal.getName(X500Principal.RFC2253)).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      // fall through: treated as no role
    }
    return "";
  }

  /** The most specific TLS reason in a cause chain, for one log line. */
  static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown reason";
    }
    Throwable best = cause;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateExpiredException
          || t instanceof java.security.cert.CertificateNotYetValidException) {
        // PKIX only says "validity check failed"; the dates are what an operator needs
        return "the peer's certificate is outside its validity period ("
            + (t instanceof java.security.cert.CertificateExpiredException ? "expired" : "not yet valid") + ", "
            + t.getMessage() + ")";
      }
      if (t instanceof SSLException) {
        best = t;
      }
    }
    return best.getClass().getSimpleName() + ": " + best.getMessage();
  }
}
