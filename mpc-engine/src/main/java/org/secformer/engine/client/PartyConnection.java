package org.secformer.engine.client;

import io.netty.channel.EventLoopGroup;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.secformer.engine.MpcException;
import org.secformer.engine.net.Inbound;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.Session;
import org.secformer.engine.net.SessionClient;
import org.secformer.engine.net.SessionHandler;
import org.secformer.engine.server.Endpoint;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ControlMessage;
import org.secformer.shares.control.ErrorCode;

/**
 * The client's TLS link to one worker of one computing party, shared by every job of the client (an
 * executor runs several tasks at once). Every request carries its job id and a sequence number unique
 * within the job, and its answer (control message, Arrow batch or error) completes the future of that
 * (job, sequence) pair; if the link drops, every pending request fails at once with PEER_UNAVAILABLE.
 */
final class PartyConnection implements SessionHandler, AutoCloseable {
  private final Role party;
  private final Endpoint at;
  private final ConcurrentHashMap<Request, CompletableFuture<Inbound>> pending = new ConcurrentHashMap<>();
  private volatile MpcException closed;
  private Session session;

  /** Sequence numbers restart with every job, so a request is known by both. */
  private record Request(String jobId, long seq) {}

  private PartyConnection(Role party, Endpoint at) {
    this.party = party;
    this.at = at;
  }

  static PartyConnection open(EventLoopGroup group, TlsConfig tls, Role party, Endpoint at, NetOptions options) {
    PartyConnection c = new PartyConnection(party, at);
    c.session = SessionClient.connect(group, SslContexts.client(tls), at.host(), at.port(), Set.of(party),
        "client -> " + party, options, c);
    return c;
  }

  /** The party and its endpoint, for error messages: which engine to look at. */
  String describe() {
    return party + " at " + at.host() + ":" + at.port();
  }

  /** Whether the link is up: not closed by either side. */
  boolean isOpen() {
    return closed == null && session.isOpen();
  }

  /** Whether a request of a job whose id starts with {@code jobIdPrefix} still waits for its answer. */
  boolean waitingOn(String jobIdPrefix) {
    return pending.keySet().stream().anyMatch(r -> r.jobId().startsWith(jobIdPrefix));
  }

  CompletableFuture<Inbound> sendControl(String jobId, long seq, ControlMessage m) {
    return request(new Request(jobId, seq), () -> session.sendControl(jobId, seq, m));
  }

  CompletableFuture<Inbound> sendArrow(String jobId, long seq, byte[] ipc) {
    return request(new Request(jobId, seq), () -> session.sendArrow(jobId, seq, ipc));
  }

  /** Registers the answer's future before sending, so a fast answer cannot arrive unmatched. */
  private CompletableFuture<Inbound> request(Request key, Runnable send) {
    CompletableFuture<Inbound> f = new CompletableFuture<>();
    if (closed != null) {
      f.completeExceptionally(closed);
      return f;
    }
    if (pending.putIfAbsent(key, f) != null) {
      throw new IllegalStateException("request #" + key.seq() + " of job " + key.jobId() + " to " + describe()
          + " is already pending");
    }
    try {
      send.run();
    } catch (MpcException e) {
      pending.remove(key);
      f.completeExceptionally(e);
    }
    return f;
  }

  @Override
  public void onMessage(Session s, Inbound in) {
    CompletableFuture<Inbound> f = pending.remove(new Request(in.jobId(), in.seq()));
    if (f == null) {
      fail(new MpcException(ErrorCode.MALFORMED_FRAME, describe() + " answered request #" + in.seq() + " of job "
          + in.jobId() + " that is not pending"));
    } else if (in instanceof Inbound.Error e) {
      f.completeExceptionally(e.error());
    } else {
      f.complete(in);
    }
  }

  @Override
  public void onClose(Session s, Throwable reason) {
    fail(new MpcException(ErrorCode.PEER_UNAVAILABLE, "the link to " + describe() + " closed"
        + (reason == null ? "" : ": " + reason.getMessage())));
  }

  private void fail(MpcException e) {
    if (closed == null) {
      closed = e;
    }
    pending.values().forEach(f -> f.completeExceptionally(e));
    pending.clear();
  }

  @Override
  public void close() {
    session.close();
  }
}
