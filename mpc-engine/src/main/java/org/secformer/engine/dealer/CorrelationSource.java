package org.secformer.engine.dealer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.secformer.engine.MpcException;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.Material.FixedMaskTriple;
import org.secformer.engine.dealer.Material.MatmulTriple;
import org.secformer.engine.dealer.Material.MulTriple;
import org.secformer.engine.dealer.Material.SinCos;
import org.secformer.engine.dealer.Material.TruncPair;
import org.secformer.shares.control.ErrorCode;
import org.secformer.shares.ring.RingTensor;

/**
 * Where a computing party gets correlated randomness (CrypTen's provider, SPU's Beaver): protocols ask
 * for "a triple of this shape" and never know whether the dealer is in-process or remote. Numbers each
 * request in call order, expands this party's part from its seed, and fetches corrections only when the
 * recipe says this party needs them. Not thread-safe: one per party per job.
 */
public final class CorrelationSource {
  private final int party;
  private final DealerLink link;
  private final PartyStreams streams;
  private final CommStats stats;
  private final long timeoutMillis;
  private long nextSeq;
  private final ArrayDeque<Prefetched> ahead = new ArrayDeque<>();
  private final ArrayDeque<Spec> planned = new ArrayDeque<>();
  private long aheadBytes;
  private long windowBytes = DEFAULT_WINDOW_BYTES;
  private List<Spec> trace;

  /** Default bound on the dealer material requested ahead of use (about, see {@link #approxBytes}). */
  public static final long DEFAULT_WINDOW_BYTES = 256L << 20;

  /** What a protocol asks for, without its position: the unit of traces and prefetch plans. */
  public record Spec(CorrelationKind kind, int[] dims, String key) {}

  private record Prefetched(CorrelationRequest request, CompletableFuture<RingTensor[]> corrections, long bytes) {}

  public CorrelationSource(int party, DealerLink link, CommStats stats, long timeoutMillis) {
    if (party != 0 && party != 1) {
      throw new IllegalArgumentException("computing parties are 0 and 1, got " + party);
    }
    this.party = party;
    this.link = link;
    this.streams = new PartyStreams(link.seed());
    this.stats = stats;
    this.timeoutMillis = timeoutMillis;
  }

  public int party() {
    return party;
  }

  public MulTriple mulTriple(int n) {
    RingTensor[] m = next(CorrelationKind.MUL_TRIPLE, new int[] {n}, "");
    return new MulTriple(m[0], m[1], m[2]);
  }

  public MatmulTriple matmulTriple(int m, int k, int n) {
    RingTensor[] t = next(CorrelationKind.MATMUL_TRIPLE, new int[] {m, k, n}, "");
    return new MatmulTriple(t[0], t[1], t[2]);
  }

  /** A triple whose B is the fixed mask of weight {@code weightKey} for this job (B itself not included). */
  public FixedMaskTriple matmulTripleFixedB(String weightKey, int m, int k, int n) {
    RingTensor[] t = next(CorrelationKind.MATMUL_FIXED_B, new int[] {m, k, n}, weightKey);
    return new FixedMaskTriple(t[0], t[1]);
  }

  /** This party's share of the fixed mask B [k,n] of a weight, without a triple (to open W - B). */
  public RingTensor weightMask(String weightKey, int k, int n) {
    return streams.forWeight(weightKey).uniform(k, n);
  }

  public TruncPair truncPair(int n, int fracBits) {
    RingTensor[] t = next(CorrelationKind.TRUNC_PAIR, new int[] {n, fracBits}, "");
    return new TruncPair(t[0], t[1], t[2]);
  }

  public SinCos sinCos(int n, int phaseBits, int terms, int fracBits) {
    RingTensor[] t = next(CorrelationKind.SIN_COS, new int[] {n, phaseBits, terms, fracBits}, "");
    return new SinCos(t[0], t[1], t[2]);
  }

  /** Shares of a uniform a and of a^2, each [n] ({@link SquarePairRecipe}). */
  public SquarePairRecipe.Pair squarePair(int n) {
    RingTensor[] t = next(CorrelationKind.SQUARE_PAIR, new int[] {n}, "");
    return new SquarePairRecipe.Pair(t[0], t[1]);
  }

  /** Starts recording the correlations asked for, e.g. during the first batch of a job. */
  public void startTrace() {
    trace = new ArrayList<>();
  }

  /** Stops recording and returns what was asked for since {@link #startTrace()}. */
  public List<Spec> stopTrace() {
    List<Spec> out = trace == null ? List.of() : trace;
    trace = null;
    return out;
  }

  /**
   * Plans correlations that will be used next, in this order (e.g. the trace of one batch, for the next
   * batch), so the dealer's work and the transfer overlap the online phase. Requests go out while the
   * material in flight stays under the window ({@link #windowBytes}, at least one request), and more as
   * material is used, so a large model's batch never holds all its material at once. Later calls must
   * ask for exactly these correlations in this order, or the job fails as out of step.
   */
  public void prefetch(List<Spec> plan) {
    planned.addAll(plan);
    topUp();
  }

  /** Bounds the material requested ahead of use; takes effect with the next request. */
  public void windowBytes(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("prefetch window must be positive, got " + bytes);
    }
    this.windowBytes = bytes;
  }

  private void topUp() {
    while (!planned.isEmpty() && (ahead.isEmpty() || aheadBytes < windowBytes)) {
      Spec spec = planned.pollFirst();
      CorrelationRequest request = new CorrelationRequest(nextSeq++, spec.kind(), spec.dims(), spec.key());
      CompletableFuture<RingTensor[]> f = Recipes.of(spec.kind()).needsDealer(party)
          ? link.corrections(request)
          : CompletableFuture.completedFuture(new RingTensor[0]);
      long bytes = approxBytes(spec.kind(), spec.dims());
      ahead.addLast(new Prefetched(request, f, bytes));
      aheadBytes += bytes;
    }
  }

  /**
   * The rough size of one party's material of a request (its corrections, or what it expands), only to
   * bound the prefetch window: comparison keys dominate at about 24 bytes per bit per element.
   */
  static long approxBytes(CorrelationKind kind, int[] dims) {
    return switch (kind) {
      case MUL_TRIPLE, SQUARE_PAIR -> 8L * dims[0];
      case MATMUL_TRIPLE, MATMUL_FIXED_B -> 8L * dims[0] * dims[2];
      case TRUNC_PAIR -> 16L * dims[0];
      case SIN_COS -> 16L * dims[0] * dims[2];
      case COMPARISON -> 24L * dims[0] * dims[1];
    };
  }

  /**
   * Drops planned and prefetched correlations that will not be used (e.g. the next batch has another
   * shape). Sequence numbers of requests already sent stay consumed; the other party drops the same ones,
   * since both see the same batches and plan with the same window.
   */
  public void discardPrefetched() {
    ahead.clear();
    planned.clear();
    aheadBytes = 0;
  }

  /** Correlations planned ahead and not yet used (requested or still to request). */
  public int prefetched() {
    return ahead.size() + planned.size();
  }

  /** Keys for {@code n} secure comparisons of values mod 2^bits ({@link ComparisonRecipe}). */
  public ComparisonRecipe.Key comparison(int n, int bits) {
    return ComparisonRecipe.key(party, bits, next(CorrelationKind.COMPARISON, new int[] {n, bits}, ""));
  }

  /** The generic form, for correlation kinds without a typed method. */
  public RingTensor[] next(CorrelationKind kind, int[] dims, String key) {
    if (trace != null) {
      trace.add(new Spec(kind, dims.clone(), key));
    }
    CorrelationRequest request;
    CompletableFuture<RingTensor[]> pending = null;
    if (ahead.isEmpty()) {
      topUp();
    }
    Prefetched head = ahead.pollFirst();
    if (head != null) {
      aheadBytes -= head.bytes();
      request = head.request();
      if (request.kind() != kind || !Arrays.equals(request.dims(), dims) || !request.key().equals(key)) {
        throw new MpcException(ErrorCode.INTERNAL, "party " + party + " prefetched " + request
            + " but the protocol asked for " + kind + Arrays.toString(dims) + ": plan out of step");
      }
      pending = head.corrections();
    } else {
      request = new CorrelationRequest(nextSeq++, kind, dims, key);
    }
    topUp();
    CorrelationRecipe recipe = Recipes.of(kind);
    RingTensor[] corrections = new RingTensor[0];
    if (recipe.needsDealer(party)) {
      corrections = await(request, pending == null ? link.corrections(request) : pending);
      long bytes = 0;
      for (RingTensor t : corrections) {
        bytes += 8L * t.size();
      }
      stats.recordDealer(kind.name(), bytes);
    }
    return recipe.assemble(party, streams, request, corrections);
  }

  private RingTensor[] await(CorrelationRequest request, CompletableFuture<RingTensor[]> future) {
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new MpcException(
          ErrorCode.TIMEOUT, "party " + party + ": dealer did not answer " + request + " within "
              + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MpcException(ErrorCode.INTERNAL, "interrupted waiting for the dealer", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MpcException me) {
        throw me;
      }
      throw new MpcException(
          ErrorCode.PEER_UNAVAILABLE, "party " + party + ": dealer failed on " + request + ": "
              + cause.getMessage(), cause);
    }
  }
}
