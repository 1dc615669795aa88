package org.secformer.engine.server;

import io.netty.channel.EventLoopGroup;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.secformer.engine.MpcException;
import org.secformer.engine.model.ModelStore;
import org.secformer.engine.net.Inbound;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.PeerServer;
import org.secformer.engine.net.Session;
import org.secformer.engine.net.SessionHandler;
import org.secformer.engine.net.SessionServer;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.control.ControlMessage;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobEnd;
import org.secformer.shares.control.JobStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a computing party (P0 or P1), a long-running server for many jobs. It listens for
 * clients on its endpoint; worker k of P0 also listens for worker k of P1 on its peer port.
 * Each job gets its own TLS links to the peer and to the dealer and a single thread, so its batches run
 * in the order the client sent them, which is the same order at both parties.
 */
public final class PartyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartyServer.class);
  /**
   * System property: the most bytes of one client link's share batches a worker holds waiting for its jobs'
   * threads (default four frames' worth); above it the worker stops reading that link until half drained.
   */
  public static final String QUEUE_BYTES_PROPERTY = "secformer.engine.client.queue.bytes";

  private final Role role;
  private final int worker;
  private final EngineConfig config;
  private final TlsConfig tls;
  private final NetOptions options;
  private final EventLoopGroup group;
  private final ModelStore models;
  private final BufferAllocator allocator = new RootAllocator();
  private final Map<String, ServedJob> jobs = new ConcurrentHashMap<>();
  private final long queueLimit;
  private final java.util.concurrent.atomic.AtomicLong peakQueued = new java.util.concurrent.atomic.AtomicLong();
  private SessionServer clients;
  private PeerServer peers;

  private PartyServer(Role role, int worker, EngineConfig config, TlsConfig tls, NetOptions options, EventLoopGroup group) {
    this.role = role;
    this.worker = worker;
    this.config = config;
    this.tls = tls;
    this.options = options;
    this.group = group;
    this.models = new ModelStore(config.modelDir(), role.party());
    this.queueLimit = Long.getLong(QUEUE_BYTES_PROPERTY, 4L * config.maxFrameBytes());
  }

  /** Starts worker {@code worker} of {@code role} at the endpoint the configuration gives it. */
  public static PartyServer start(Role role, int worker, EngineConfig config, TlsConfig tls, EventLoopGroup group) {
    NetOptions options = config.netOptions();
    PartyServer s = new PartyServer(role, worker, config, tls, options, group);
    Endpoint me = config.endpoint(role, worker);
    if (role == Role.P0) {
      s.peers = PeerServer.start(group, tls, me.host(), config.p0PeerEndpoint(worker).port(), options);
    }
    s.clients = SessionServer.start(group, SslContexts.server(tls), Set.of(Role.CLIENT),
        role + " client port", me.host(), me.port(), options, s::newClientLink);
    LOG.info("{} worker {} serving clients on {}:{}{}", role, worker, me.host(), s.clients.port(),
        s.peers == null ? "" : ", peer link on port " + s.peers.port());
    if (options.emulation().enabled()) {
      LOG.warn("{} worker {}: NETWORK EMULATION IS ON for the P0-P1 links ({}): every peer message is slowed on"
          + " purpose, for demos and benchmarks only; remove {} for production", role, worker, options.emulation(),
          EngineConfigLoader.NET_EMULATE);
    }
    return s;
  }

  public int clientPort() {
    return clients.port();
  }

  /** P0's port for P1's links (P0 only). */
  public int peerPort() {
    if (peers == null) {
      throw new IllegalStateException(role + " does not listen for peer links");
    }
    return peers.port();
  }

  public int activeJobs() {
    return jobs.size();
  }

  /** The most share-batch bytes one client link ever had waiting at this worker (back-pressure check). */
  public long peakQueuedBytes() {
    return peakQueued.get();
  }

  Role role() {
    return role;
  }

  int worker() {
    return worker;
  }

  EngineConfig config() {
    return config;
  }

  TlsConfig tls() {
    return tls;
  }

  NetOptions options() {
    return options;
  }

  EventLoopGroup group() {
    return group;
  }

  ModelStore models() {
    return models;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  PeerServer peers() {
    return peers;
  }

  /** The handler of one more client link, as the listener makes per connection (tests drive it without sockets). */
  SessionHandler newClientLink() {
    return new ClientLink();
  }

  /** A client's connection: its jobs end when it goes away. */
  private final class ClientLink implements SessionHandler {
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    private long queued;
    private boolean paused;

    /**
     * Back-pressure: batches wait for their job's thread, so a client that sends faster than the jobs
     * compute would fill the heap; above the limit this link is not read until half of it drained.
     */
    private synchronized void queue(Session s, long bytes) {
      queued += bytes;
      peakQueued.accumulateAndGet(queued, Math::max);
      if (queued > queueLimit && !paused) {
        paused = true;
        s.pauseReading();
        LOG.debug("{} worker {}: {} bytes of batches waiting; not reading {} until half drained", role, worker, queued, s.remote());
      }
    }

    private synchronized void release(Session s, long bytes) {
      queued -= bytes;
      if (paused && queued <= queueLimit / 2) {
        paused = false;
        s.resumeReading();
      }
    }

    @Override
    public void onMessage(Session s, Inbound in) {
      if (in instanceof Inbound.Control c && c.message() instanceof JobStart start) {
        if (jobs.containsKey(start.jobId())) {
          refuse(s, in, ErrorCode.BAD_REQUEST, "job " + start.jobId() + " is already running");
          return;
        }
        ServedJob job = new ServedJob(PartyServer.this, start, s, () -> {
          jobs.remove(start.jobId());
          owned.remove(start.jobId());
        });
        jobs.put(start.jobId(), job);
        owned.add(start.jobId());
        job.start(c.seq());
        return;
      }
      ServedJob job = jobs.get(in.jobId());
      if (job == null || !owned.contains(in.jobId())) {
        refuse(s, in, ErrorCode.UNKNOWN_JOB, role + " has no job '" + in.jobId() + "' for this client");
        return;
      }
      if (in instanceof Inbound.Error e) {
        job.abort(e.error());
        return;
      }
      boolean work = in instanceof Inbound.Arrow || in instanceof Inbound.Control c && c.message() instanceof JobEnd;
      if (!work) {
        ControlMessage m = in instanceof Inbound.Control c ? c.message() : null;
        refuse(s, in, ErrorCode.BAD_REQUEST,
            role + " does not take " + (m == null ? in.getClass().getSimpleName() : m.getClass().getSimpleName()) + " from a client");
        return;
      }
      // a client numbers its messages in increasing order; a replayed batch would be scored twice
      long last = job.lastSeq();
      if (in.seq() <= last) {
        refuse(s, in, ErrorCode.BAD_REQUEST, "message #" + in.seq() + " of job " + in.jobId()
            + (in.seq() == last ? " replays" : " comes after") + " message #" + last + ": refused");
        return;
      }
      job.seen(in.seq());
      if (in instanceof Inbound.Arrow a) {
        long bytes = a.ipc().length;
        queue(s, bytes);
        job.submit(a.seq(), a.ipc(), () -> release(s, bytes));
      } else {
        job.end(in.seq());
      }
    }

    private void refuse(Session s, Inbound in, ErrorCode code, String message) {
      LOG.warn("{} worker {}: refusing a message from client {}: {} {}", role, worker, s.remote(), code, message);
      s.sendError(in.jobId(), in.seq(), code, message);
    }

    @Override
    public void onClose(Session s, Throwable reason) {
      for (String id : owned) {
        ServedJob job = jobs.get(id);
        if (job != null) {
          job.abort(new MpcException(ErrorCode.PEER_UNAVAILABLE, "the client of job " + id + " disconnected"));
        }
      }
    }
  }

  @Override
  public void close() {
    jobs.values().forEach(j -> j.abort(new MpcException(ErrorCode.PEER_UNAVAILABLE, role + " is shutting down")));
    if (clients != null) {
      clients.close();
    }
    if (peers != null) {
      peers.close();
    }
    allocator.close();
  }
}
