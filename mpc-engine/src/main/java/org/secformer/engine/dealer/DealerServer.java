package org.secformer.engine.dealer;

import io.netty.channel.EventLoopGroup;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.secformer.engine.MpcException;
import org.secformer.engine.net.Inbound;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.Session;
import org.secformer.engine.net.SessionHandler;
import org.secformer.engine.net.SessionServer;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ControlMessage;
import org.secformer.shares.control.CorrelationAsk;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobEnd;
import org.secformer.shares.control.SeedGrant;
import org.secformer.shares.control.SeedRequest;
import org.secformer.shares.prg.Seed;
import org.secformer.shares.ring.RingTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dealer P2 as a network service: admits only P0 and P1 (by certificate role), hands each its
 * per-job seed, and answers correlation requests with that party's corrections. A job ends when both
 * parties have ended it or closed their link. The dealer never receives data, weights or shares.
 */
public final class DealerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DealerServer.class);

  private final DealerService service;
  private final SessionServer server;
  private final ExecutorService workers;
  private final ConcurrentHashMap<String, Set<Integer>> openParties = new ConcurrentHashMap<>();

  private DealerServer(DealerService service, SessionServer server, ExecutorService workers) {
    this.service = service;
    this.server = server;
    this.workers = workers;
  }

  public static DealerServer start(EventLoopGroup group, TlsConfig tls, String host, int port, NetOptions options, int maxJobs) {
    DealerService service = new DealerService(maxJobs);
    ExecutorService workers = Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
          Thread t = new Thread(r, "dealer-worker");
          t.setDaemon(true);
          return t;
        });
    DealerServer[] self = new DealerServer[1];
    SessionServer server = SessionServer.start(group, SslContexts.server(tls), Set.of(Role.P0, Role.P1),
        "dealer port", host, port, options, () -> self[0].newPartyLink());
    self[0] = new DealerServer(service, server, workers);
    LOG.info("dealer listening on {}:{}", host, server.port());
    return self[0];
  }

  /** The handler of one more party link, as the listener makes per connection (tests drive it without sockets). */
  public SessionHandler newPartyLink() {
    return new Link();
  }

  public int port() {
    return server.port();
  }

  public int jobCount() {
    return service.jobCount();
  }

  @Override
  public void close() {
    server.close();
    workers.shutdownNow();
  }

  /** One party's link: its role, hence its party index, comes from its certificate. */
  private final class Link implements SessionHandler {
    private final Set<String> jobs = ConcurrentHashMap.newKeySet();

    @Override
    public void onMessage(Session s, Inbound in) {
      int party = s.peerRole().party();
      if (!(in instanceof Inbound.Control c)) {
        refuseAndClose(s, in.jobId(), in.seq(), "the dealer takes control messages only, got " + in);
        return;
      }
      ControlMessage m = c.message();
      if (m instanceof SeedRequest r) {
        Seed seed;
        try {
          seed = service.seed(r.jobId(), party);
        } catch (MpcException e) {
          LOG.warn("job {}: seed request from p{} at {} refused: {} {}", r.jobId(), party, s.remote(), e.code(), e.getMessage());
          s.sendError(r.jobId(), c.seq(), e.code(), e.getMessage());
          return;
        }
        jobs.add(r.jobId());
        openParties.computeIfAbsent(r.jobId(), k -> ConcurrentHashMap.newKeySet()).add(party);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(seed.bytes());
        s.sendControl(r.jobId(), c.seq(), new SeedGrant(r.jobId(), b.getLong(), b.getLong()));
        LOG.info("job {}: seed handed to p{}", r.jobId(), party);
      } else if (m instanceof CorrelationAsk ask) {
        try {
          workers.execute(() -> answer(s, party, ask));
        } catch (RejectedExecutionException e) {
          s.sendError(ask.jobId(), ask.seq(), ErrorCode.INTERNAL, "dealer is shutting down");
        }
      } else if (m instanceof JobEnd end) {
        if (!jobs.remove(end.jobId())) {
          LOG.warn("job {}: end from p{} at {} refused: the job is not open on this link", end.jobId(), party, s.remote());
          s.sendError(end.jobId(), c.seq(), ErrorCode.UNKNOWN_JOB, "job " + end.jobId() + " is not open on this link");
          return;
        }
        endFor(end.jobId(), party);
      } else {
        refuseAndClose(s, c.jobId(), c.seq(), "the dealer does not take " + m.getClass().getSimpleName());
      }
    }

    private void refuseAndClose(Session s, String jobId, long seq, String message) {
      LOG.warn("refusing a message from {} ({}) and closing: {}", s.remote(), s.peerRole(), message);
      s.fail(jobId, seq, ErrorCode.BAD_REQUEST, message);
    }

    private void answer(Session s, int party, CorrelationAsk ask) {
      try {
        CorrelationKind kind;
        try {
          kind = CorrelationKind.valueOf(ask.kind());
        } catch (IllegalArgumentException e) {
          throw new MpcException(ErrorCode.BAD_REQUEST, "unknown correlation kind " + ask.kind());
        }
        CorrelationRequest req = new CorrelationRequest(ask.seq(), kind, ask.dims(), ask.key());
        RingTensor[] corrections = service.corrections(ask.jobId(), party, req);
        s.sendTensor(ask.jobId(), ask.seq(), "corrections", TensorList.encode(corrections));
      } catch (RuntimeException e) {
        if (!s.isOpen()) {
          // the party left (its job ended or failed) with requests prefetched: nobody waits for the answer
          LOG.debug("job {}: request #{} from p{} dropped, the link is closed", ask.jobId(), ask.seq(), party);
          return;
        }
        refuse(s, party, ask, e);
      }
    }

    private void refuse(Session s, int party, CorrelationAsk ask, RuntimeException e) {
      try {
        tellRefusal(s, party, ask, e);
      } catch (MpcException gone) {
        // the link closed meanwhile: nobody waits for the answer
        LOG.debug("job {}: refusal of request #{} not delivered: {}", ask.jobId(), ask.seq(), gone.getMessage());
      }
    }

    private void tellRefusal(Session s, int party, CorrelationAsk ask, RuntimeException e) {
      if (e instanceof MpcException m) {
        LOG.warn("job {}: request #{} from p{} at {} refused: {}", ask.jobId(), ask.seq(), party, s.remote(), m.getMessage());
        s.sendError(ask.jobId(), ask.seq(), m.code(), m.getMessage());
      } else {
        LOG.warn("job {}: request #{} from p{} at {} failed: {}", ask.jobId(), ask.seq(), party, s.remote(), e.toString());
        s.sendError(ask.jobId(), ask.seq(), ErrorCode.BAD_REQUEST, String.valueOf(e.getMessage()));
      }
    }

    @Override
    public void onClose(Session s, Throwable reason) {
      if (s.peerRole() == null) {
        return;
      }
      int party = s.peerRole().party();
      for (String job : jobs) {
        endFor(job, party);
      }
    }
  }

  private void endFor(String jobId, int party) {
    Set<Integer> open = openParties.get(jobId);
    if (open != null) {
      open.remove(party);
      if (open.isEmpty()) {
        openParties.remove(jobId);
        service.end(jobId);
        LOG.info("job {} ended at the dealer", jobId);
      }
    }
  }
}
