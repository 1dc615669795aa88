package org.secformer.engine.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * Netty {@link SslContext}s for mutual TLS between components: JDK provider (no tcnative), TLS 1.3 only,
 * the project CA as the only trust anchor, and a client certificate required by every server.
 */
public final class SslContexts {
  /** The only protocol offered or accepted. */
  public static final String PROTOCOL = "TLSv1.3";

  private SslContexts() {}

  /** Server side: presents this component's certificate and requires one signed by the project CA. */
  public static SslContext server(TlsConfig tls) {
    tls.checkFilesExist();
    try {
      return SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile())
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOL)
          .trustManager(tls.caCert().toFile())
          .clientAuth(ClientAuth.REQUIRE)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot build the TLS server context of role " + tls.role() + " from "
          + tls.certChain() + ", " + tls.privateKey() + " and " + tls.caCert() + ": " + reason(e), e);
    }
  }

  /**
   * Client side: presents this component's certificate and trusts only servers signed by the project CA;
   * with {@link TlsConfig#verifyHostname()} the server's SAN must also match the host dialled (pass it to
   * {@code newHandler(alloc, host, port)}).
   */
  public static SslContext client(TlsConfig tls) {
    tls.checkFilesExist();
    try {
      return SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOL)
          .keyManager(tls.certChain().toFile(), tls.privateKey().toFile())
          .trustManager(tls.caCert().toFile())
          .endpointIdentificationAlgorithm(tls.verifyHostname() ? "HTTPS" : null)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot build the TLS client context of role " + tls.role() + " from "
          + tls.certChain() + ", " + tls.privateKey() + " and " + tls.caCert() + ": " + reason(e), e);
    }
  }

  /** The innermost message of a failure to read certificates or keys (the outer ones are generic). */
  private static String reason(Throwable e) {
    String message = e.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return message;
  }
}
