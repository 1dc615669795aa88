package org.secformer.engine.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.secformer.engine.MpcException;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.comm.PeerChannel;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.engine.dealer.NettyDealerLink;
import org.secformer.engine.job.Computations;
import org.secformer.engine.job.PartyJob;
import org.secformer.engine.net.PeerConnector;
import org.secformer.engine.net.Session;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.engine.tls.Role;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.arrow.ShareFormatException;
import org.secformer.shares.arrow.ShareIpc;
import org.secformer.shares.control.Ack;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job at one party worker: sets up the job's dealer and peer links, then runs the client's batches
 * one at a time on the job's own thread and answers each with this party's output share. Any failure
 * fails the job: the client gets an ERROR naming it and both links close, so the other party's waiting
 * exchange fails promptly instead of hanging.
 */
final class ServedJob {
  private static final Logger LOG = LoggerFactory.getLogger(ServedJob.class);

  private final PartyServer server;
  private final JobStart spec;
  private final Session client;
  private final Runnable onDone;
  private final ExecutorService thread;
  private NettyDealerLink dealer;
  private PeerChannel peer;
  private PartyJob job;
  private volatile boolean failed;
  private volatile boolean ended;
  // the last message number taken from the client (read and written on the client link's event loop)
  private long lastSeq;

  ServedJob(PartyServer server, JobStart spec, Session client, Runnable onDone) {
    this.server = server;
    this.spec = spec;
    this.client = client;
    this.onDone = onDone;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, server.role() + "-job-" + spec.jobId());
      t.setDaemon(true);
      return t;
    });
  }

  long lastSeq() {
    return lastSeq;
  }

  void seen(long seq) {
    lastSeq = seq;
  }

  void start(long seq) {
    lastSeq = seq;
    run(seq, () -> {
      String id = spec.jobId();
      Endpoint dealerAt = server.config().endpoint(Role.DEALER, server.worker());
      dealer = withConfigKey(EngineConfigLoader.DEALER_WORKERS, () ->
          NettyDealerLink.connect(server.group(), server.tls(), dealerAt.host(), dealerAt.port(), id, server.options()));
      if (server.role() == Role.P0) {
        peer = server.peers().accept(id, server.options().connectTimeout());
      } else {
        Endpoint p0 = server.config().p0PeerEndpoint(server.worker());
        peer = withConfigKey(EngineConfigLoader.P0_WORKERS + " host and " + EngineConfigLoader.P0_PEER_PORTS, () ->
            PeerConnector.connect(server.group(), server.tls(), p0.host(), p0.port(), id, server.options()));
      }
      CorrelationSource source = new CorrelationSource(server.role().party(), dealer, peer.stats(), server.config().timeoutMillis());
      MpcContext ctx = new MpcContext(peer, source, new FixedPoint(spec.fracBits()));
      job = new PartyJob(id, ctx, Computations.create(spec.computation(), spec.modelId(), spec.options(), server.models()));
      LOG.info("job {} started at {} worker {}: {} on model {}", id, server.role(), server.worker(), spec.computation(), spec.modelId());
      client.sendControl(id, seq, new Ack(id, seq));
    });
  }

  /** Runs a connect step; a failure to reach the endpoint names the configuration key that gave it. */
  private static <T> T withConfigKey(String key, java.util.function.Supplier<T> connect) {
    try {
      return connect.get();
    } catch (MpcException e) {
      if (e.code() == ErrorCode.PEER_UNAVAILABLE || e.code() == ErrorCode.TIMEOUT) {
        throw new MpcException(e.code(), e.getMessage() + " (endpoint from " + key + ")", e);
      }
      throw e;
    }
  }

  /** Queues a batch; {@code released} runs once the batch is done with (answered, failed or refused). */
  void submit(long seq, byte[] ipc, Runnable released) {
    run(seq, released, () -> {
      ShareIpc codec = new ShareIpc(server.allocator());
      ShareBatch in;
      try {
        in = codec.fromBytes(ipc);
      } catch (ShareFormatException e) {
        throw new MpcException(ErrorCode.MALFORMED_FRAME, "batch #" + seq + ": " + e.getMessage(), e);
      }
      int party = server.role().party();
      if (in.partyId() != party || !in.modelId().equals(spec.modelId()) || in.fracBits() != spec.fracBits()) {
        throw new MpcException(ErrorCode.BAD_REQUEST, "batch #" + seq + " is " + in + " but this is party " + party
            + " of job " + spec.jobId() + " on model " + spec.modelId() + " with " + spec.fracBits() + " fractional bits");
      }
      RingTensor out = job.runBatch(in.payload());
      ShareBatch result = new ShareBatch(spec.modelId(), party, spec.fracBits(), in.rowIds(), out);
      client.sendArrow(spec.jobId(), seq, codec.toBytes(result));
    });
  }

  void end(long seq) {
    run(seq, () -> {
      ended = true;
      PartyJob.JobSummary s = job.summary();
      CommStats.Snapshot t = s.traffic();
      java.util.Map<String, String> perProtocol = new java.util.TreeMap<>();
      t.byTag().forEach((tag, c) -> perProtocol.put(tag, c.rounds() + "," + c.bytesSent() + "," + c.bytesReceived()));
      client.sendControl(spec.jobId(), seq, new JobReport(spec.jobId(), s.party(), s.batches(), s.rows(), t.rounds(),
          t.bytesSent(), t.bytesReceived(), t.dealerBytes(), s.secureNanos(), s.wallNanos(), perProtocol));
      LOG.info("job {} ended at {} worker {}: {} batches, {} rows, {}", spec.jobId(), server.role(), server.worker(),
          s.batches(), s.rows(), t);
      closeLinks();
    });
  }

  /**
   * Fails the job from outside its thread (client gone, server stopping, client error). Called on event
   * loops, so the links are closed on another thread: closing waits for the last writes.
   */
  void abort(MpcException reason) {
    if (!failed && !ended) {
      failed = true;
      LOG.warn("job {} aborted at {}: {}", spec.jobId(), server.role(), reason.getMessage());
      CompletableFuture.runAsync(this::closeLinks);
    }
  }

  private void run(long seq, Runnable step) {
    run(seq, () -> {}, step);
  }

  private void run(long seq, Runnable released, Runnable step) {
    try {
      thread.execute(() -> {
        try {
          if (failed) {
            client.sendError(spec.jobId(), seq, ErrorCode.BAD_REQUEST, "job " + spec.jobId() + " has failed");
            return;
          }
          step.run();
        } catch (MpcException e) {
          failWith(seq, e.code(), e.getMessage());
        } catch (RuntimeException e) {
          failWith(seq, ErrorCode.INTERNAL, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
          released.run();
        }
      });
    } catch (RejectedExecutionException e) {
      released.run();
      client.sendError(spec.jobId(), seq, ErrorCode.BAD_REQUEST, "job " + spec.jobId() + " is over");
    }
  }

  private void failWith(long seq, ErrorCode code, String message) {
    failed = true;
    LOG.warn("job {} failed at {} worker {}: {} {}", spec.jobId(), server.role(), server.worker(), code, message);
    try {
      client.sendError(spec.jobId(), seq, code, server.role() + ": " + message);
    } catch (MpcException ignored) {
      // the client is gone too
    }
    closeLinks();
  }

  private synchronized void closeLinks() {
    if (peer != null) {
      peer.close();
    }
    if (dealer != null) {
      dealer.close();
    }
    thread.shutdown();
    onDone.run();
  }
}
