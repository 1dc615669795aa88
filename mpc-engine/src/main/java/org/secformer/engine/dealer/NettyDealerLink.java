package org.secformer.engine.dealer;

import io.netty.channel.EventLoopGroup;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.secformer.engine.MpcException;
import org.secformer.engine.net.Inbound;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.Session;
import org.secformer.engine.net.SessionClient;
import org.secformer.engine.net.SessionHandler;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.CorrelationAsk;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobEnd;
import org.secformer.shares.control.SeedGrant;
import org.secformer.shares.control.SeedRequest;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;

/**
 * A computing party's link to the dealer for one job, over its own TLS connection. Requests are matched
 * to answers by sequence number, so many may be in flight (prefetch). If the link drops, every pending
 * request fails at once with PEER_UNAVAILABLE.
 */
public final class NettyDealerLink implements DealerLink, SessionHandler {
  private final String jobId;
  private final ConcurrentHashMap<Long, CompletableFuture<RingTensor[]>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Seed> seed = new CompletableFuture<>();
  private volatile MpcException closed;
  private Session session;

  private NettyDealerLink(String jobId) {
    this.jobId = jobId;
  }

  public static NettyDealerLink connect(
      EventLoopGroup group, TlsConfig tls, String host, int port, String jobId, NetOptions options) {
    NettyDealerLink link = new NettyDealerLink(jobId);
    link.session = SessionClient.connect(group, SslContexts.client(tls), host, port, Set.of(Role.DEALER),
        tls.role() + " -> dealer", options, link);
    link.session.sendControl(jobId, -1, new SeedRequest(jobId));
    try {
      link.seed.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      link.close();
      throw new MpcException(ErrorCode.TIMEOUT, "dealer gave no seed for job " + jobId + " within " + options.connectTimeout());
    } catch (ExecutionException e) {
      link.close();
      throw e.getCause() instanceof MpcException m ? m
          : new MpcException(ErrorCode.PEER_UNAVAILABLE, "dealer: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      link.close();
      throw new MpcException(ErrorCode.INTERNAL, "interrupted waiting for the dealer", e);
    }
    return link;
  }

  @Override
  public Seed seed() {
    return seed.join();
  }

  @Override
  public CompletableFuture<RingTensor[]> corrections(CorrelationRequest request) {
    CompletableFuture<RingTensor[]> f = new CompletableFuture<>();
    if (closed != null) {
      f.completeExceptionally(closed);
      return f;
    }
    pending.put(request.seq(), f);
    try {
      session.sendControl(jobId, request.seq(),
          new CorrelationAsk(jobId, request.seq(), request.kind().name(), request.dims(), request.key()));
    } catch (MpcException e) {
      pending.remove(request.seq());
      f.completeExceptionally(e);
    }
    return f;
  }

  @Override
  public void onMessage(Session s, Inbound in) {
    if (in instanceof Inbound.Control c && c.message() instanceof SeedGrant g) {
      seed.complete(Seed.of(ByteBuffer.allocate(16).putLong(g.seedHigh()).putLong(g.seedLow()).array()));
    } else if (in instanceof Inbound.Tensor t) {
      CompletableFuture<RingTensor[]> f = pending.remove(t.seq());
      if (f == null) {
        fail(new MpcException(ErrorCode.MALFORMED_FRAME, "dealer answered request #" + t.seq() + " that is not pending"));
        return;
      }
      try {
        f.complete(TensorList.decode(t.values()));
      } catch (MpcException e) {
        f.completeExceptionally(e);
      }
    } else if (in instanceof Inbound.Error e) {
      CompletableFuture<RingTensor[]> f = pending.remove(e.seq());
      if (f != null) {
        f.completeExceptionally(e.error());
      } else {
        fail(e.error());
      }
    } else {
      fail(new MpcException(ErrorCode.MALFORMED_FRAME, "unexpected message from the dealer: " + in));
    }
  }

  @Override
  public void onClose(Session s, Throwable reason) {
    fail(new MpcException(ErrorCode.PEER_UNAVAILABLE, "job " + jobId + ": the dealer link closed"
        + (reason == null ? "" : ": " + reason.getMessage())));
  }

  private void fail(MpcException e) {
    if (closed == null) {
      closed = e;
    }
    seed.completeExceptionally(e);
    pending.values().forEach(f -> f.completeExceptionally(e));
    pending.clear();
  }

  @Override
  public void close() {
    if (session != null && session.isOpen()) {
      try {
        if (seed.isDone() && !seed.isCompletedExceptionally()) {
          // only a job the dealer opened for this party has anything to end
          session.sendControl(jobId, -1, new JobEnd(jobId));
        }
      } catch (MpcException ignored) {
        // the link is going away anyway
      }
      session.close();
    }
  }
}
