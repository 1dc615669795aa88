package org.secformer.engine.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.secformer.engine.comm.CommStats;
import org.secformer.engine.dealer.CorrelationSource;
import org.secformer.engine.dealer.DealerLink;
import org.secformer.engine.dealer.DealerServer;
import org.secformer.engine.dealer.LocalDealer;
import org.secformer.engine.dealer.NettyDealerLink;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.protocol.BeaverMatmul;
import org.secformer.engine.protocol.BeaverMul;
import org.secformer.engine.protocol.Compare;
import org.secformer.engine.protocol.Cost;
import org.secformer.engine.protocol.FxpMul;
import org.secformer.engine.protocol.MaskedWeight;
import org.secformer.engine.protocol.MpcContext;
import org.secformer.engine.protocol.Open;
import org.secformer.engine.protocol.Truncation;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.Share;
import org.secformer.shares.Sharing;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.ring.RingMatmul;
import org.secformer.shares.ring.RingTensor;

/**
 * {@code engine bench}: the engine runtime's figures. P0 and P1 run as two threads of this JVM over a real
 * mutual-TLS Netty loopback link ({@link PeerLinks#loopback}, certificates made by {@link CertTool} in a
 * temporary directory), with the dealer either in-process ({@link LocalDealer}, each iteration's
 * correlations prefetched before the clock starts, so the dealer's work is excluded) or the real {@link
 * DealerServer} over its own TLS links ({@link NettyDealerLink}, asked on demand, so its work and transfer
 * are in the measured time).
 *
 * <p>Each secure case runs one traced warm-up whose output is reconstructed and checked against plaintext,
 * more warm-ups, then timed iterations: wall time from a barrier releasing both parties to both holding
 * their output shares. After every run each party's traffic ({@link CommStats} snapshot difference) must
 * equal the protocol's declared {@link Cost} exactly (rounds, bytes sent and received, dealer bytes), or
 * the bench fails. Plaintext {@link RingMatmul} of the same shapes runs on the same machine for the ratio.
 *
 * <p>The markdown report replaces the part of the output file between {@value #BEGIN} and {@value #END}
 * (the whole file if it has no such markers), so hand-written discussion outside the markers survives a
 * re-run.
 */
public final class EngineBench {
  static final String BEGIN = "<!-- engine-bench:begin -->";
  static final String END = "<!-- engine-bench:end -->";
  static final List<String> OPTIONS =
      List.of("out", "iterations", "warmup", "rows", "hidden", "wide", "mul-n", "cmp-n", "dealer", "max-case-seconds",
          "jvm-warmup");

  /** Problem sizes: X [rows, hidden] times W [hidden, hidden] and [hidden, wide]; elementwise and comparison n. */
  public record Shapes(int rows, int hidden, int wide, int mulElements, int cmpElements) {
    public static Shapes defaults() {
      return new Shapes(128, 768, 3072, 1 << 20, 1 << 18);
    }
  }

  /** Where the correlated randomness comes from. */
  public enum DealerMode {
    LOCAL("local", "in-process `LocalDealer`; each iteration's correlations are prefetched before the clock "
        + "starts, so dealer compute and dealer transfer are excluded (each party's PRG expansion of its own "
        + "share of the correlation is included)"),
    SERVER("server", "real `DealerServer` on loopback, one mutual-TLS `NettyDealerLink` per party, asked on "
        + "demand: dealer compute, encoding and TLS transfer of the corrections are inside the measured time");

    final String label;
    final String description;

    DealerMode(String label, String description) {
      this.label = label;
      this.description = description;
    }
  }

  /**
   * What to run. {@code out} null: the report goes to standard output only. A case whose timed iterations
   * pass {@code maxCaseSeconds} stops after at least 3 of them (warm-ups after the first stop at a quarter of
   * it), which bounds the run time on a loaded machine; the tables give the iterations actually run. With
   * {@code jvmWarmup}, every case first runs unmeasured at reduced shapes under each dealer mode, so that the
   * JIT has compiled the TLS, PRG, matmul and DCF paths before the first measured case (else the first cases
   * pay for compilation).
   */
  public record Options(Shapes shapes, int iterations, int warmup, List<DealerMode> dealers, Path out, String command,
      double maxCaseSeconds, boolean jvmWarmup) {
    public Options {
      if (iterations < 1) {
        throw new Args.UsageException("--iterations must be at least 1");
      }
      if (warmup < 1) {
        throw new Args.UsageException("--warmup must be at least 1 (the first warm-up traces and checks)");
      }
    }
  }

  /** One secure case under one dealer mode; {@code measured} is party 0's and party 1's traffic per run. */
  public record SecureResult(
      String item, String name, DealerMode mode, long[] nanos, long[] cpuNanos, Cost declared,
      CommStats.Snapshot[] measured, long wireBytesP0, long[] allocated, long elements, long macs) {
    public double medianCpuMs() {
      return median(cpuNanos) / 1e6;
    }

    public double medianMs() {
      return median(nanos) / 1e6;
    }

    public double minMs() {
      return Arrays.stream(nanos).min().orElse(0) / 1e6;
    }
  }

  /** A plaintext matmul on the same machine. */
  public record PlainResult(int m, int k, int n, int threads, long[] nanos, long[] cpuNanos) {
    public double medianCpuMs() {
      return median(cpuNanos) / 1e6;
    }

    public double medianMs() {
      return median(nanos) / 1e6;
    }

    public double minMs() {
      return Arrays.stream(nanos).min().orElse(0) / 1e6;
    }

    public double gmacs() {
      return (double) m * k * n / median(nanos);
    }
  }

  /** Everything measured, and the markdown. */
  public record Report(List<SecureResult> secure, List<PlainResult> plain, String markdown) {}

  /** The TLS cipher suite the peer link negotiated (set by the first dealer mode that runs). */
  private static volatile String cipherSuite = "n/a";

  private EngineBench() {}

  /** {@code engine bench ...} from the command line. */
  static int run(String[] args) {
    Args a = new Args("bench", args, 1, OPTIONS);
    Shapes d = Shapes.defaults();
    Shapes shapes = new Shapes(a.intValue("rows", d.rows()), a.intValue("hidden", d.hidden()),
        a.intValue("wide", d.wide()), a.intValue("mul-n", d.mulElements()), a.intValue("cmp-n", d.cmpElements()));
    List<DealerMode> dealers = switch (a.get("dealer", "both")) {
      case "both" -> List.of(DealerMode.LOCAL, DealerMode.SERVER);
      case "local" -> List.of(DealerMode.LOCAL);
      case "server" -> List.of(DealerMode.SERVER);
      default -> throw new Args.UsageException("--dealer must be local, server or both");
    };
    String out = a.get("out", null);
    String command = "mpc-engine/bin/engine " + String.join(" ", args);
    Report r = run(new Options(shapes, a.intValue("iterations", 5), a.intValue("warmup", 2), dealers,
        out == null ? null : Path.of(out), command, a.intValue("max-case-seconds", 10),
        a.intValue("jvm-warmup", 1) != 0));
    if (out == null) {
      System.out.println(r.markdown());
    } else {
      System.out.println("wrote " + Path.of(out).toAbsolutePath());
    }
    return 0;
  }

  /** Runs every case; throws if any run's traffic differs from its declared cost or its result is wrong. */
  public static Report run(Options o) {
    String loadBefore = loadAverage();
    long t0 = System.nanoTime();
    List<Case> cases = cases(o.shapes());
    List<SecureResult> secure = new ArrayList<>();
    Path certs = null;
    try {
      certs = Files.createTempDirectory("engine-bench-certs");
      CertTool.generate(certs, Duration.ofDays(1));
      if (o.jvmWarmup()) {
        Shapes s = o.shapes();
        Shapes small = new Shapes(Math.min(32, s.rows()), Math.min(256, s.hidden()), Math.min(1024, s.wide()),
            Math.min(1 << 18, s.mulElements()), Math.min(1 << 16, s.cmpElements()));
        System.out.println("JVM warm-up: every case once at " + small + ", not measured");
        for (DealerMode mode : o.dealers()) {
          try (Parties parties = Parties.open(certs, mode)) {
            for (Case c : cases(small)) {
              parties.measure(c, 1, 2, o.maxCaseSeconds(), false);
            }
          }
        }
      }
      for (DealerMode mode : o.dealers()) {
        try (Parties parties = Parties.open(certs, mode)) {
          for (Case c : cases) {
            secure.addAll(parties.measure(c, o.iterations(), o.warmup(), o.maxCaseSeconds(), true));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(certs);
    }
    List<PlainResult> plain = new ArrayList<>();
    Shapes s = o.shapes();
    int cores = Runtime.getRuntime().availableProcessors();
    for (int n : new int[] {s.hidden(), s.wide()}) {
      for (int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
        plain.add(plainMatmul(s.rows(), s.hidden(), n, threads, o.iterations(), o.warmup()));
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String md = markdown(o, secure, plain, loadBefore, loadAverage(), seconds);
    if (o.out() != null) {
      write(o.out(), md);
    }
    return new Report(secure, plain, md);
  }

  // ---------------------------------------------------------------- cases

  /** A protocol run at one party: {@code prepare} once per dealer mode (untimed), {@code body} per iteration. */
  private interface Body {
    RingTensor run(MpcContext ctx, Object state);
  }

  private interface Prepare {
    Object prepare(MpcContext ctx, RingTensor[] inputs);
  }

  private interface Check {
    /** Both parties' outputs of the traced warm-up; throws if wrong. */
    void check(RingTensor out0, RingTensor out1);
  }

  /**
   * One secure case. Cases with the same {@code prepareKey} share one preparation per dealer mode (one
   * weight opened once and used by several cases, as a job does over its batches).
   */
  private record Case(
      String item, String name, RingTensor[][] inputs, String prepareKey, Prepare prepare, String prepareName,
      Cost prepareCost, Body body, Cost cost, Check check, long elements, long macs) {}

  private static List<Case> cases(Shapes s) {
    SplittableRandom rnd = new SplittableRandom(20240607L);
    int m = s.rows(), k = s.hidden();
    int fracBits = FixedPoint.defaults().fracBits();
    List<Case> cases = new ArrayList<>();
    // 0. the link alone: one opening of n elements
    {
      int n = s.mulElements();
      RingTensor x = randomSmall(rnd, n);
      cases.add(new Case("link", "open " + n + " elements", split(x), null, none(), null, null,
          (ctx, st) -> Open.open(ctx, "bench-open", in(st)[0]), Open.cost(n),
          (a, b) -> require(a.equals(x) && b.equals(x), "opened value differs"), n, 0));
    }
    // 1. Beaver matmul, both operands fresh
    {
      RingTensor x = randomSmall(rnd, m, k), y = randomSmall(rnd, k, k);
      cases.add(new Case("matmul", "Beaver matmul [" + m + "," + k + "]x[" + k + "," + k + "]", split(x, y),
          null, none(), null, null, (ctx, st) -> BeaverMatmul.matmul(ctx, in(st)[0], in(st)[1]),
          BeaverMatmul.cost(m, k, k), exact(() -> RingMatmul.matmulParallel(x, y)), (long) m * k, (long) m * k * k));
    }
    // 2. masked weights: W - B opened once, then per batch only X - A travels
    for (int n : new int[] {s.hidden(), s.wide()}) {
      RingTensor x = randomSmall(rnd, m, k), w = randomSmall(rnd, k, n);
      String shape = "[" + m + "," + k + "]x[" + k + "," + n + "]";
      RingTensor[][] shares = split(x, w);
      for (boolean fxp : new boolean[] {false, true}) {
        String key = "bench-W" + n;
        Prepare open = (ctx, inputs) -> new Object[] {inputs[0], MaskedWeight.open(ctx, key, inputs[1])};
        Body body = fxp
            ? (ctx, st) -> FxpMul.matmul(ctx, (RingTensor) ((Object[]) st)[0], (MaskedWeight) ((Object[]) st)[1])
            : (ctx, st) -> ((MaskedWeight) ((Object[]) st)[1]).leftMultiply(ctx, (RingTensor) ((Object[]) st)[0]);
        Cost cost = fxp
            ? MaskedWeight.multiplyCost(m, k, n).plus(Truncation.cost((long) m * n))
            : MaskedWeight.multiplyCost(m, k, n);
        Check check = fxp ? truncated(() -> RingMatmul.matmulParallel(x, w), fracBits)
            : exact(() -> RingMatmul.matmulParallel(x, w));
        cases.add(new Case("masked", (fxp ? "FxpMul masked-weight matmul " : "masked-weight matmul ") + shape,
            shares, key, open, "open W - B [" + k + "," + n + "] (once per job)", MaskedWeight.openCost(k, n),
            body, cost, check, (long) m * k, (long) m * k * n));
      }
    }
    // 4. elementwise products
    {
      int n = s.mulElements();
      RingTensor x = randomSmall(rnd, n), y = randomSmall(rnd, n);
      cases.add(new Case("mul", "Beaver mul n=" + n, split(x, y), null, none(), null, null,
          (ctx, st) -> BeaverMul.mul(ctx, in(st)[0], in(st)[1]), BeaverMul.cost(n), exact(() -> x.mul(y)), n, 0));
      cases.add(new Case("mul", "FxpMul (mul + truncation) n=" + n, split(x, y), null, none(), null, null,
          (ctx, st) -> FxpMul.mul(ctx, in(st)[0], in(st)[1]), FxpMul.mulCost(n), truncated(() -> x.mul(y), fracBits),
          n, 0));
    }
    // 5. secure comparison
    for (int bits : new int[] {48, 32}) {
      int n = s.cmpElements();
      RingTensor x = randomSmall(rnd, n);
      cases.add(new Case("cmp", "Compare.lessThanZero L=" + bits + " n=" + n, split(x), null, none(), null, null,
          (ctx, st) -> Compare.lessThanZero(ctx, in(st)[0], bits), Compare.cost(n, bits), exact(() -> {
            long[] e = new long[n];
            for (int i = 0; i < n; i++) {
              e[i] = x.get(i) < 0 ? 1 : 0;
            }
            return RingTensor.of(e, n);
          }), n, 0));
    }
    return cases;
  }

  /** Uniform in [-2^18, 2^18): fixed-point values of magnitude below 4 (16 fractional bits). */
  private static RingTensor randomSmall(SplittableRandom rnd, int... shape) {
    RingTensor t = RingTensor.zeros(shape);
    long[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextLong(-(1L << 18), 1L << 18);
    }
    return t;
  }

  /** inputs[party] = that party's shares of each tensor. */
  private static RingTensor[][] split(RingTensor... plain) {
    RingTensor[][] out = new RingTensor[2][plain.length];
    for (int i = 0; i < plain.length; i++) {
      Share[] s = Sharing.split(plain[i]);
      out[0][i] = s[0].tensor();
      out[1][i] = s[1].tensor();
    }
    return out;
  }

  private static Prepare none() {
    return (ctx, inputs) -> inputs;
  }

  private static RingTensor[] in(Object state) {
    return (RingTensor[]) state;
  }

  private static Check exact(java.util.function.Supplier<RingTensor> expected) {
    return (a, b) -> require(a.add(b).equals(expected.get()), "secure result differs from plaintext");
  }

  /** Within the truncation's one unit of rounding of (plaintext >> fracBits). */
  private static Check truncated(java.util.function.Supplier<RingTensor> product, int fracBits) {
    return (a, b) -> {
      RingTensor z = a.add(b);
      RingTensor p = product.get();
      for (int i = 0; i < z.size(); i++) {
        long diff = z.get(i) - (p.get(i) >> fracBits);
        if (diff != 0 && diff != 1) {
          require(false, "truncated product off by " + diff + " at " + i);
        }
      }
    };
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("bench check failed: " + what);
    }
  }

  // ---------------------------------------------------------------- the two parties

  /** P0 and P1 on their TLS link with one dealer mode, each on its own thread. */
  private static final class Parties implements AutoCloseable {
    private static final AtomicInteger JOBS = new AtomicInteger();
    private final DealerMode mode;
    private final PeerLinks links;
    private final List<AutoCloseable> dealerParts;
    private final MpcContext[] ctx;
    private final ExecutorService threads;
    private final java.util.Map<String, Object[]> prepared = new java.util.HashMap<>();

    private Parties(DealerMode mode, PeerLinks links, List<AutoCloseable> dealerParts, MpcContext[] ctx,
        ExecutorService threads) {
      this.mode = mode;
      this.links = links;
      this.dealerParts = dealerParts;
      this.ctx = ctx;
      this.threads = threads;
    }

    static Parties open(Path certs, DealerMode mode) {
      String jobId = "bench-" + mode.label + "-" + JOBS.incrementAndGet();
      NetOptions options = NetOptions.defaults().withExchangeTimeout(Duration.ofSeconds(120));
      long timeoutMillis = 120_000;
      PeerLinks links = PeerLinks.loopback(certs, jobId, options);
      List<AutoCloseable> dealerParts = new ArrayList<>();
      try {
        DealerLink[] dl = new DealerLink[2];
        if (mode == DealerMode.LOCAL) {
          LocalDealer dealer = new LocalDealer(jobId);
          dl[0] = dealer.link(0);
          dl[1] = dealer.link(1);
        } else {
          EventLoopGroup group = PeerLinks.newEventLoopGroup(2);
          dealerParts.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
          DealerServer server = DealerServer.start(group, TlsConfig.forRole(certs, Role.DEALER), "127.0.0.1", 0, options, 4);
          dealerParts.add(0, server);
          for (int p = 0; p < 2; p++) {
            dl[p] = NettyDealerLink.connect(group, TlsConfig.forRole(certs, p == 0 ? Role.P0 : Role.P1), "127.0.0.1",
                server.port(), jobId, options);
            dealerParts.add(0, dl[p]);
          }
        }
        MpcContext[] ctx = new MpcContext[2];
        for (int p = 0; p < 2; p++) {
          CorrelationSource source = new CorrelationSource(p, dl[p], links.party(p).stats(), timeoutMillis);
          ctx[p] = new MpcContext(links.party(p), source, FixedPoint.defaults());
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
          Thread t = new Thread(r, "bench-party-" + n.getAndIncrement());
          t.setDaemon(true);
          return t;
        });
        io.netty.handler.ssl.SslHandler ssl = links.p0().channel().pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (ssl != null) {
          cipherSuite = ssl.engine().getSession().getProtocol() + " " + ssl.engine().getSession().getCipherSuite();
        }
        return new Parties(mode, links, dealerParts, ctx, threads);
      } catch (RuntimeException e) {
        closeAll(dealerParts);
        links.close();
        throw e;
      }
    }

    List<SecureResult> measure(Case c, int iterations, int warmup, double maxCaseSeconds, boolean print) {
      long budget = (long) (maxCaseSeconds * 1e9);
      System.gc();
      List<SecureResult> out = new ArrayList<>();
      // untimed preparation (e.g. opening W - B), with its own cost check and a single timing
      Object[] st = c.prepareKey() == null ? null : prepared.get(c.prepareKey());
      if (st == null) {
        Run prep = run(p -> c.prepare().prepare(ctx[p], c.inputs()[p]), c.prepareCost(), null, false);
        if (c.prepareCost() != null) {
          out.add(new SecureResult(c.item(), c.prepareName(), mode, new long[] {prep.nanos}, new long[] {prep.cpu},
              c.prepareCost(), prep.used, prep.wire, prep.allocated, (long) c.inputs()[0][1].size(), 0));
        }
        st = prep.outputs;
        if (c.prepareKey() != null) {
          prepared.put(c.prepareKey(), st);
        }
      }
      Object[] state = st;
      // traced and checked warm-up
      AtomicReferenceArray<List<CorrelationSource.Spec>> plans = new AtomicReferenceArray<>(2);
      Run first = run(p -> {
        ctx[p].dealer().startTrace();
        RingTensor r = c.body().run(ctx[p], state[p]);
        plans.set(p, ctx[p].dealer().stopTrace());
        return r;
      }, c.cost(), null, false);
      c.check().check((RingTensor) first.outputs[0], (RingTensor) first.outputs[1]);
      boolean prefetch = mode == DealerMode.LOCAL;
      long warm = first.nanos;
      for (int w = 1; w < warmup && warm < budget / 4; w++) {
        warm += run(p -> c.body().run(ctx[p], state[p]), c.cost(), plans, prefetch).nanos;
      }
      long[] nanos = new long[iterations];
      long[] cpu = new long[iterations];
      long spent = 0;
      int done = 0;
      Run last = null;
      while (done < iterations && (done < 3 || spent < budget)) {
        last = run(p -> c.body().run(ctx[p], state[p]), c.cost(), plans, prefetch);
        nanos[done] = last.nanos;
        cpu[done] = last.cpu;
        spent += last.nanos;
        done++;
      }
      SecureResult r = new SecureResult(c.item(), c.name(), mode, Arrays.copyOf(nanos, done),
          Arrays.copyOf(cpu, done), c.cost(), last.used, last.wire, last.allocated, c.elements(), c.macs());
      out.add(r);
      if (print) {
        System.out.printf(Locale.ROOT, "%-7s %-52s median %8.1f ms  min %8.1f ms  cpu %8.1f ms  alloc P0/P1 %6.1f/%6.1f MB"
            + "  %s%n", mode.label, c.name(), r.medianMs(), r.minMs(), r.medianCpuMs(), last.allocated[0] / 1e6,
            last.allocated[1] / 1e6, last.used[0]);
        System.out.flush();
      }
      return out;
    }

    private record Run(long nanos, long cpu, Object[] outputs, CommStats.Snapshot[] used, long wire, long[] allocated) {}

    /**
     * Runs {@code body} at both parties, released together by a barrier; optionally prefetches the plan
     * first (untimed). Checks each party's traffic against {@code declared} when given.
     */
    private Run run(IntFunction<Object> body, Cost declared, AtomicReferenceArray<List<CorrelationSource.Spec>> plans,
        boolean prefetch) {
      AtomicLong start = new AtomicLong();
      AtomicLong cpuStart = new AtomicLong();
      CyclicBarrier barrier = new CyclicBarrier(2, () -> {
        cpuStart.set(processCpuNanos());
        start.set(System.nanoTime());
      });
      long[] end = new long[2];
      CommStats.Snapshot[] used = new CommStats.Snapshot[2];
      long[] wire = new long[2];
      long[] allocated = new long[2];
      Object[] outputs = both(p -> {
        if (prefetch) {
          ctx[p].dealer().prefetch(plans.get(p));
        }
        CommStats.Snapshot before = ctx[p].stats().snapshot();
        long wireBefore = links.party(p).wireBytesSent();
        long allocBefore = threadAllocatedBytes();
        try {
          barrier.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
          throw new IllegalStateException("party " + p + ": the other party did not start", e);
        }
        Object r = body.apply(p);
        end[p] = System.nanoTime();
        allocated[p] = threadAllocatedBytes() - allocBefore;
        used[p] = ctx[p].stats().snapshot().minus(before);
        wire[p] = links.party(p).wireBytesSent() - wireBefore;
        return r;
      });
      if (declared != null) {
        for (int p = 0; p < 2; p++) {
          checkCost(declared, used[p], p);
        }
      }
      long cpu = processCpuNanos() - cpuStart.get();
      return new Run(Math.max(end[0], end[1]) - start.get(), cpu, outputs, used, wire[0], allocated);
    }

    private Object[] both(IntFunction<Object> f) {
      List<Future<Object>> fs = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        int party = p;
        fs.add(threads.submit(() -> f.apply(party)));
      }
      Object[] out = new Object[2];
      try {
        for (int p = 0; p < 2; p++) {
          out[p] = fs.get(p).get();
        }
      } catch (ExecutionException e) {
        fs.forEach(x -> x.cancel(true));
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return out;
    }

    @Override
    public void close() {
      threads.shutdownNow();
      links.close();
      closeAll(dealerParts);
    }
  }

  /**
   * CPU time so far of all live Java threads of this JVM (parties, matmul workers, Netty event loops, dealer
   * workers), in nanoseconds: unlike the process CPU time of the OperatingSystemMXBean, whose resolution is
   * the 10 ms clock tick on Linux, the per-thread clocks are exact. GC and JIT threads are not Java threads and
   * are not counted.
   */
  private static long processCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    if (!(mx instanceof com.sun.management.ThreadMXBean hs) || !hs.isThreadCpuTimeSupported()
        || !hs.isThreadCpuTimeEnabled()) {
      return 0;
    }
    long sum = 0;
    for (long t : hs.getThreadCpuTime(hs.getAllThreadIds())) {
      sum += Math.max(0, t);
    }
    return sum;
  }

  /** Heap bytes allocated so far by the calling thread (HotSpot), or 0 where not available. */
  private static long threadAllocatedBytes() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    if (mx instanceof com.sun.management.ThreadMXBean hs && hs.isThreadAllocatedMemorySupported()
        && hs.isThreadAllocatedMemoryEnabled()) {
      return hs.getCurrentThreadAllocatedBytes();
    }
    return 0;
  }

  /** The measured traffic of one party must equal the declaration exactly. */
  static void checkCost(Cost declared, CommStats.Snapshot used, int party) {
    if (used.rounds() != declared.rounds() || used.bytesSent() != declared.bytesSent()
        || used.bytesReceived() != declared.bytesSent() || used.dealerBytes() != declared.dealerBytes(party)) {
      throw new IllegalStateException("party " + party + " measured " + used + " but the protocol declares "
          + declared);
    }
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (AutoCloseable c : parts) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  // ---------------------------------------------------------------- plaintext

  private static PlainResult plainMatmul(int m, int k, int n, int threads, int iterations, int warmup) {
    SplittableRandom rnd = new SplittableRandom(7);
    RingTensor a = randomSmall(rnd, m, k), b = randomSmall(rnd, k, n);
    for (int w = 0; w < warmup; w++) {
      RingMatmul.matmul(a, b, threads);
    }
    long[] nanos = new long[iterations];
    long[] cpu = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long c = processCpuNanos();
      long t = System.nanoTime();
      RingMatmul.matmul(a, b, threads);
      nanos[i] = System.nanoTime() - t;
      cpu[i] = processCpuNanos() - c;
    }
    PlainResult r = new PlainResult(m, k, n, threads, nanos, cpu);
    System.out.printf(Locale.ROOT, "plain   RingMatmul [%d,%d]x[%d,%d] %d thread(s)%s median %8.1f ms  min %8.1f ms  cpu %8.1f ms%n",
        m, k, k, n, threads, " ".repeat(14), r.medianMs(), r.minMs(), median(cpu) / 1e6);
    return r;
  }

  // ---------------------------------------------------------------- report

  static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String markdown(Options o, List<SecureResult> secure, List<PlainResult> plain, String loadBefore,
      String loadAfter, double seconds) {
    StringBuilder b = new StringBuilder();
    Shapes s = o.shapes();
    Runtime rt = Runtime.getRuntime();
    b.append(BEGIN).append('\n');
    b.append("_Generated by `engine bench` on ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
        .append(String.format(Locale.ROOT, " in %.0f s._%n%n", seconds));
    b.append("### Machine\n\n");
    b.append("| | |\n| --- | --- |\n");
    b.append("| CPU | ").append(cpuModel()).append(" |\n");
    b.append("| cores visible to the JVM | ").append(rt.availableProcessors()).append(" |\n");
    b.append("| JVM | ").append(System.getProperty("java.runtime.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(", ").append(System.getProperty("java.vm.name"))
        .append(String.format(Locale.ROOT, ", max heap %.1f GiB", rt.maxMemory() / (double) (1L << 30))).append(" |\n");
    b.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append(' ').append(System.getProperty("os.arch")).append(" |\n");
    b.append("| peer link TLS | ").append(cipherSuite).append(", JDK provider |\n");
    b.append("| load average (1, 5, 15 min) before / after | ").append(loadBefore).append(" / ").append(loadAfter)
        .append(" |\n\n");
    b.append("### Command\n\n```bash\n").append(o.command()).append("\n```\n\n");
    if (o.jvmWarmup()) {
      b.append("Before any measurement every case ran once, unmeasured, at reduced shapes under each dealer "
          + "configuration, so the JIT had compiled the TLS, PRG, matmul and DCF code first. ");
    }
    b.append(String.format(Locale.ROOT, "Up to %d timed iterations after up to %d warm-up(s) per case (fewer where a "
        + "case passed the %.0f s budget of `--max-case-seconds`: the iters column gives the count; the first "
        + "warm-up traces the correlations and checks the reconstructed result against plaintext). Time: wall "
        + "clock from a barrier releasing P0 and P1 to both holding their output shares; median and min over the "
        + "iterations. CPU: CPU time of all Java threads over the same interval (both parties, matmul workers, "
        + "Netty event loops with TLS, the dealer server's workers in the server configuration; not GC or JIT "
        + "threads), median; on a loaded machine it is the steadier measure of work (wall >= CPU / cores when "
        + "the cores are free). After "
        + "every run each party's measured traffic (CommStats) was checked to equal the protocol's declared Cost "
        + "exactly: rounds, bytes sent (= bytes received), dealer bytes; the bench fails otherwise. Bytes are "
        + "payload (8 per ring element); the \"framed\" column adds the engine's frame headers, not TLS records. "
        + "\"alloc\" is the heap each party's own thread allocated in the last iteration (HotSpot per-thread "
        + "counter; excludes Netty's receive buffers and arrays, which are allocated on the event loop, and the "
        + "matmul worker threads, which allocate nothing): unlike time, it does not depend on the machine's load.%n%n",
        o.iterations(), o.warmup(), o.maxCaseSeconds()));
    b.append("P0 and P1 are two threads of one JVM joined by a real mutual-TLS 1.3 Netty link on 127.0.0.1 "
        + "(`PeerLinks.loopback`, certificates from `CertTool`). Dealer configurations:\n\n");
    for (DealerMode m : o.dealers()) {
      b.append("- **").append(m.label).append("**: ").append(m.description).append(".\n");
    }
    b.append('\n');

    b.append("### Link: one opening (pure exchange over TLS)\n\n");
    secureTable(b, secure, "link", r -> String.format(Locale.ROOT, "%.0f MB/s each way",
        r.declared().bytesSent() / (r.medianMs() * 1e3)), "payload throughput");

    b.append("### 1. Beaver matmul, both operands fresh (`BeaverMatmul.matmul`)\n\n");
    b.append(String.format(Locale.ROOT, "Declared: 1 round, 8 (mk + kn) = %,d bytes per party; the dealer sends 8 mn = "
        + "%,d bytes to P1.%n%n", 8L * ((long) s.rows() * s.hidden() + (long) s.hidden() * s.hidden()),
        8L * s.rows() * s.hidden()));
    secureTable(b, secure, "matmul", EngineBench::gmacs, "GMAC/s");

    b.append("### 2. Masked-weight matmul (`MaskedWeight.open` once, then `leftMultiply` per batch)\n\n");
    b.append("Per batch only X - A travels (8 mk bytes per party); the FxpMul rows add the truncation "
        + "(`FxpMul.matmul(ctx, x, w)`: 1 more round, 8 mn bytes per party, 16 mn dealer bytes to P1). "
        + "The \"open W - B\" rows are one run each (paid once per job and weight, not per batch).\n\n");
    secureTable(b, secure, "masked", EngineBench::gmacs, "GMAC/s");

    b.append("### 3. Plaintext `RingMatmul` of the same shapes, same machine\n\n");
    b.append("| shape | threads | median ms | min ms | CPU ms | GMAC/s |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
    for (PlainResult p : plain) {
      b.append(String.format(Locale.ROOT, "| [%d,%d]x[%d,%d] | %d | %.1f | %.1f | %.1f | %.2f |%n", p.m(), p.k(), p.k(),
          p.n(), p.threads(), p.medianMs(), p.minMs(), p.medianCpuMs(), p.gmacs()));
    }
    b.append("\nSecure / plaintext (medians; the CPU ratio compares total CPU time with the single-threaded "
        + "plaintext product's):\n\n");
    b.append("| secure case | dealer | secure ms | plaintext 1 thread ms | ratio | plaintext all cores ms | ratio "
        + "| secure CPU ms | CPU ratio |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (SecureResult r : secure) {
      if (r.macs() == 0 || !(r.item().equals("matmul") || r.item().equals("masked"))) {
        continue;
      }
      long n = r.macs() / r.elements();
      PlainResult one = plain.stream().filter(p -> p.n() == n && p.threads() == 1).findFirst().orElse(null);
      PlainResult all = plain.stream().filter(p -> p.n() == n).max(Comparator.comparingInt(PlainResult::threads))
          .orElse(null);
      if (one == null) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1fx | %.1f | %.1fx | %.1f | %.1fx |%n", r.name(),
          r.mode().label, r.medianMs(), one.medianMs(), r.medianMs() / one.medianMs(), all.medianMs(),
          r.medianMs() / all.medianMs(), r.medianCpuMs(), r.medianCpuMs() / one.medianCpuMs()));
    }
    b.append('\n');

    b.append("### 4. Elementwise products (`BeaverMul.mul`, `FxpMul.mul`)\n\n");
    secureTable(b, secure, "mul", r -> String.format(Locale.ROOT, "%.2f M elem/s", r.elements() / (r.medianMs() * 1e3)),
        "throughput");

    b.append("### 5. Secure comparison (`Compare.lessThanZero`, DCF-based, 1 round)\n\n");
    secureTable(b, secure, "cmp", r -> String.format(Locale.ROOT, "%.2f M elem/s; online %d B/elem; dealer %d / %d B/elem",
        r.elements() / (r.medianMs() * 1e3), r.declared().bytesSent() / r.elements(),
        r.declared().dealerBytesP0() / r.elements(), r.declared().dealerBytesP1() / r.elements()), "throughput, bytes per element");
    b.append(END).append('\n');
    return b.toString();
  }

  private static String gmacs(SecureResult r) {
    return r.macs() == 0 ? "" : String.format(Locale.ROOT, "%.3f", r.macs() / (r.medianMs() * 1e6));
  }

  private static void secureTable(StringBuilder b, List<SecureResult> all, String item,
      java.util.function.Function<SecureResult, String> rate, String rateName) {
    b.append("| case | dealer | iters | median ms | min ms | CPU ms | rounds | bytes sent per party | framed "
        + "| dealer to P0 | dealer to P1 | = declared | alloc P0 / P1 MB | ").append(rateName).append(" |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n");
    List<String> names = all.stream().map(SecureResult::name).distinct().toList();
    List<SecureResult> rows = all.stream().filter(r -> r.item().equals(item))
        .sorted(Comparator.comparingInt((SecureResult r) -> names.indexOf(r.name()))
            .thenComparing(SecureResult::mode))
        .toList();
    for (SecureResult r : rows) {
      CommStats.Snapshot p0 = r.measured()[0], p1 = r.measured()[1];
      b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %d | %,d | %,d | %,d | %,d | yes | %.1f / %.1f | %s |%n",
          r.name(), r.mode().label, r.nanos().length, r.medianMs(), r.minMs(), r.medianCpuMs(), p0.rounds(), p0.bytesSent(),
          r.wireBytesP0(), p0.dealerBytes(), p1.dealerBytes(), r.allocated()[0] / 1e6, r.allocated()[1] / 1e6,
          r.nanos().length == 1 && r.macs() == 0 ? "" : rate.apply(r)));
    }
    b.append('\n');
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse(System.getProperty("os.arch"));
    } catch (IOException | UncheckedIOException e) {
      return System.getProperty("os.arch");
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** Replaces the marked region of {@code file}, or writes the whole file when it has no markers. */
  static void write(Path file, String generated) {
    try {
      String text;
      if (Files.exists(file)) {
        String old = Files.readString(file);
        int from = old.indexOf(BEGIN), to = old.indexOf(END);
        text = from >= 0 && to > from
            ? old.substring(0, from) + generated + old.substring(to + END.length() + (old.startsWith("\n", to + END.length()) ? 1 : 0))
            : generated;
      } else {
        text = "# Engine runtime benchmarks (`engine bench`)\n\n" + generated;
      }
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory; best effort
    }
  }
}
