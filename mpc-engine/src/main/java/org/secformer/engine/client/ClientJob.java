package org.secformer.engine.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.secformer.engine.MpcException;
import org.secformer.engine.net.Inbound;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.arrow.ShareIpc;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.control.JobEnd;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.JobStart;
import org.secformer.shares.prg.Prg;
import org.secformer.shares.ring.RingTensor;

/**
 * A running job seen from the client. Batches go round-robin to the worker pairs (each pair runs the
 * job under its own id, {@code jobId/w<k>}); each batch's two shares go to the two parties of one pair,
 * and the two output shares come back. Thread-safe; batches may be in flight concurrently.
 */
public final class ClientJob implements AutoCloseable {
  private final JobStart spec;
  private final List<PartyConnection[]> pairs;
  private final Duration timeout;
  private final Object sending = new Object();
  // shared by every job of one EngineClient: a link matches answers by sequence number alone, so numbers
  // must be unique on the link, not just within a job, when jobs run concurrently (Spark tasks of one executor)
  private final AtomicLong nextSeq;
  private final AtomicLong nextPair = new AtomicLong();
  private final BufferAllocator allocator = new RootAllocator();
  private final Prg prg = Prg.fromSystemRandom();
  private boolean ended;

  private ClientJob(JobStart spec, List<PartyConnection[]> pairs, Duration timeout, AtomicLong nextSeq) {
    this.spec = spec;
    this.pairs = pairs;
    this.timeout = timeout;
    this.nextSeq = nextSeq;
  }

  static ClientJob start(JobStart spec, List<PartyConnection[]> pairs, Duration timeout, AtomicLong nextSeq) {
    ClientJob job = new ClientJob(spec, pairs, timeout, nextSeq);
    List<CompletableFuture<Inbound>> acks = new ArrayList<>();
    long seq = job.nextSeq.getAndIncrement();
    for (int k = 0; k < pairs.size(); k++) {
      JobStart perPair = job.pairSpec(k);
      acks.add(pairs.get(k)[0].sendControl(perPair.jobId(), seq, perPair));
      acks.add(pairs.get(k)[1].sendControl(perPair.jobId(), seq, perPair));
    }
    job.await(firstFailureOrAll(acks), "start of job " + spec.jobId());
    return job;
  }

  private JobStart pairSpec(int k) {
    return new JobStart(spec.jobId() + "/w" + k, spec.modelId(), spec.fracBits(), spec.computation(), spec.options());
  }

  /**
   * Sends the two shares of one batch (row ids must be unique within it) and returns the future output
   * shares of party 0 and party 1.
   */
  public CompletableFuture<ShareBatch[]> submit(ShareBatch share0, ShareBatch share1) {
    if (share0.partyId() != 0 || share1.partyId() != 1) {
      throw new IllegalArgumentException("submit takes party 0's share then party 1's share");
    }
    ShareIpc ipc = new ShareIpc(allocator);
    byte[] bytes0 = ipc.toBytes(share0);
    byte[] bytes1 = ipc.toBytes(share1);
    CompletableFuture<Inbound> r0;
    CompletableFuture<Inbound> r1;
    // a party refuses a batch numbered below one it has seen, so numbers go out in the order they are
    // taken, also when several threads submit to this job
    synchronized (sending) {
      int k = (int) (nextPair.getAndIncrement() % pairs.size());
      long seq = nextSeq.getAndIncrement();
      String id = pairSpec(k).jobId();
      r0 = pairs.get(k)[0].sendArrow(id, seq, bytes0);
      r1 = pairs.get(k)[1].sendArrow(id, seq, bytes1);
    }
    return firstFailureOrAll(List.of(r0, r1)).thenApply(v -> new ShareBatch[] {decode(r0.join()), decode(r1.join())});
  }

  /** Convenience for a client that is both data owner and result receiver: share, run, reconstruct. */
  public RingTensor run(long[] rowIds, RingTensor input) {
    return await(runAsync(rowIds, input), "batch of job " + spec.jobId());
  }

  /** {@link #run} without waiting: batches submitted together run on the worker pairs concurrently. */
  public CompletableFuture<RingTensor> runAsync(long[] rowIds, RingTensor input) {
    return runShared(rowIds, input).thenApply(ClientJob::reconstruct);
  }

  /**
   * Shares a plaintext batch, runs it and returns both output shares unreconstructed, for a data owner
   * whose results go to a result receiver elsewhere. The outputs carry the given row ids.
   */
  public CompletableFuture<ShareBatch[]> runShared(long[] rowIds, RingTensor input) {
    Share[] s;
    synchronized (prg) {
      s = Sharing.split(input, prg);
    }
    return submit(
        new ShareBatch(spec.modelId(), 0, spec.fracBits(), rowIds, s[0].tensor()),
        new ShareBatch(spec.modelId(), 1, spec.fracBits(), rowIds, s[1].tensor()));
  }

  /** Waits for a batch of this job with the job's timeout, with the job's error messages. */
  public <T> T awaitBatch(CompletableFuture<T> f) {
    return await(f, "batch of job " + spec.jobId());
  }

  /** The result receiver's step: both output shares to the plaintext tensor. */
  public static RingTensor reconstruct(ShareBatch[] out) {
    return Sharing.reconstruct(new Share(0, out[0].payload()), new Share(1, out[1].payload()));
  }

  /** Ends the job everywhere and returns every party worker's report (P0 then P1, per pair). */
  public List<JobReport> end() {
    List<CompletableFuture<Inbound>> answers = new ArrayList<>();
    synchronized (sending) {
      long seq = nextSeq.getAndIncrement();
      for (int k = 0; k < pairs.size(); k++) {
        String id = pairSpec(k).jobId();
        answers.add(pairs.get(k)[0].sendControl(id, seq, new JobEnd(id)));
        answers.add(pairs.get(k)[1].sendControl(id, seq, new JobEnd(id)));
      }
    }
    await(firstFailureOrAll(answers), "end of job " + spec.jobId());
    List<JobReport> reports = new ArrayList<>();
    for (CompletableFuture<Inbound> a : answers) {
      Inbound in = a.join();
      if (in instanceof Inbound.Control c && c.message() instanceof JobReport r) {
        reports.add(r);
      } else {
        throw new MpcException(ErrorCode.MALFORMED_FRAME, "expected a job report, got " + in);
      }
    }
    ended = true;
    allocator.close();
    return reports;
  }

  public Map<String, String> options() {
    return spec.options();
  }

  private ShareBatch decode(Inbound in) {
    if (!(in instanceof Inbound.Arrow a)) {
      throw new MpcException(ErrorCode.MALFORMED_FRAME, "expected an output batch, got " + in);
    }
    return new ShareIpc(allocator).fromBytes(a.ipc());
  }

  /**
   * Completes when all of {@code parts} have, or fails as soon as one of them fails: a party's refusal
   * reaches the caller at once, not after the other party's timeout.
   */
  private static CompletableFuture<Void> firstFailureOrAll(List<? extends CompletableFuture<?>> parts) {
    CompletableFuture<Void> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    CompletableFuture<Void> first = new CompletableFuture<>();
    for (CompletableFuture<?> p : parts) {
      p.whenComplete((v, t) -> {
        if (t != null) {
          first.completeExceptionally(t instanceof java.util.concurrent.CompletionException && t.getCause() != null
              ? t.getCause() : t);
        }
      });
    }
    all.whenComplete((v, t) -> first.complete(null));
    return first;
  }

  private <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new MpcException(ErrorCode.TIMEOUT, what + ": no answer within " + timeout + silentParties());
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof MpcException m ? new MpcException(m.code(), what + " failed: " + m.getMessage(), m)
          : new MpcException(ErrorCode.INTERNAL, what + " failed: " + c, c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MpcException(ErrorCode.INTERNAL, "interrupted during " + what, e);
    }
  }

  /** Names the engines that still owe this job an answer, so a timeout says which one hangs. */
  private String silentParties() {
    List<String> silent = new ArrayList<>();
    for (PartyConnection[] pair : pairs) {
      for (PartyConnection c : pair) {
        if (c.waitingOn(spec.jobId() + "/")) {
          silent.add(c.describe());
        }
      }
    }
    return silent.isEmpty() ? "" : " from " + String.join(", ", silent);
  }

  @Override
  public void close() {
    if (!ended) {
      try {
        end();
      } catch (MpcException ignored) {
        allocator.close();
      }
    }
  }
}
