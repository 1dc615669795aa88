package org.secformer.engine.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.secformer.engine.dealer.DealerServer;
import org.secformer.engine.net.NetOptions;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.server.EngineConfig;
import org.secformer.engine.server.EngineConfigLoader;
import org.secformer.engine.server.Endpoint;
import org.secformer.engine.server.PartyServer;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;

/**
 * The {@code engine} command:
 * <pre>
 *   engine certs --out DIR [--days N]                    project CA and one certificate per role
 *   engine serve --role p0|p1|dealer --conf FILE [--worker K]   run a party (all its workers by default)
 *   engine demo  [--dir DIR] [--workers N] [--batches B] [--rows R]   three parties as processes + a client
 *   engine bench-bert [--shape bert-base|minilm | --onnx FILE] [--seq N] [--batches 1,8] [--link memory|tls|lan|wan]
 *                                                        whole-model figures ({@link BertBench})
 *   engine bench-scaling [--shape minilm|tiny | --onnx FILE] [--sequences N] [--seq N] [--batch B] [--workers 1,2]
 *                                                        throughput of a served model by workers ({@link ScalingBench})
 *   engine bench [--out FILE] [--iterations N] [--warmup W] ...   engine runtime figures ({@link EngineBench})
 *   engine share-model --model-id ID --out DIR (--onnx FILE | --safetensors FILE [--config CONFIG_JSON])
 *       [--head HEAD_JSON] [--attention softmax|quad2] [--ranges FILE] [--frac-bits 16]
 *                                                        the model owner publishes a BERT model ({@link ShareModel})
 * </pre>
 */
public final class EngineMain {
  private static final String USAGE = String.join("\n",
      "usage:",
      "  engine certs --out DIR [--days N]",
      "  engine serve --role p0|p1|dealer --conf FILE [--worker K]",
      "  engine demo [--dir DIR] [--workers N] [--batches B] [--rows R]",
      "  engine bench-bert [--shape bert-base|minilm | --onnx FILE] [--seq 128] [--batches 1,8]"
          + " [--attention softmax|quad2] [--link memory|tls|lan|wan] [--out FILE] [--seed S]",
      "  " + ScalingBench.USAGE,
      "  engine bench [--out FILE] [--iterations N] [--warmup W] [--dealer local|server|both]"
          + " [--rows M] [--hidden K] [--wide N] [--mul-n N] [--cmp-n N] [--max-case-seconds S] [--jvm-warmup 0|1]",
      "  " + ShareModel.USAGE);

  private EngineMain() {}

  public static void main(String[] args) {
    System.exit(execute(args, System.err));
  }

  /**
   * Runs a command and returns the process exit code: 0, 1 after an error, 2 after a usage error; errors
   * are one line on {@code err} (the cause's message), never a stack trace.
   */
  static int execute(String[] args, java.io.PrintStream err) {
    try {
      return run(args);
    } catch (Args.UsageException e) {
      err.println("engine: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (Exception e) {
      // checked exceptions too: some libraries rethrow them undeclared
      err.println("engine: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }

  static int run(String[] args) {
    if (args.length == 0) {
      throw new Args.UsageException("no command given");
    }
    switch (args[0]) {
      case "certs" -> {
        Args a = new Args("certs", args, 1, List.of("out", "days"));
        Path out = Path.of(a.require("out", "certs"));
        CertTool.generate(out, Duration.ofDays(a.intValue("days", 365)));
        System.out.println("wrote ca.crt and p0, p1, dealer, client certificates and keys to " + out.toAbsolutePath());
        return 0;
      }
      case "serve" -> {
        Args a = new Args("serve", args, 1, List.of("role", "conf", "worker"));
        Role role = Role.fromCommonName(a.require("role", "serve"));
        if (role == null || role == Role.CLIENT) {
          throw new Args.UsageException("--role must be p0, p1 or dealer");
        }
        EngineConfig config = EngineConfigLoader.load(Path.of(a.require("conf", "serve")));
        int worker = a.intValue("worker", -1);
        serve(role, config, worker);
        return 0;
      }
      case "demo" -> {
        Args a = new Args("demo", args, 1, List.of("dir", "workers", "batches", "rows"));
        return Demo.run(Path.of(a.get("dir", "target/demo")), a.intValue("workers", 1),
            a.intValue("batches", 4), a.intValue("rows", 32));
      }
      case "bench" -> {
        return EngineBench.run(args);
      }
      case "bench-bert" -> {
        return BertBench.run(args, System.out);
      }
      case "bench-scaling" -> {
        return ScalingBench.run(args, System.out);
      }
      case "share-model" -> {
        return ShareModel.run(args, System.out);
      }
      default -> throw new Args.UsageException("unknown command '" + args[0] + "'");
    }
  }

  /** Runs the workers of one party until the process is stopped (SIGTERM closes them cleanly). */
  static void serve(Role role, EngineConfig config, int onlyWorker) {
    TlsConfig tls;
    try {
      tls = TlsConfig.forRole(config.tlsDir(), role);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (" + EngineConfigLoader.TLS_DIR + " = " + config.tlsDir() + ")", e);
    }
    var group = PeerLinks.newEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
    List<AutoCloseable> running = new ArrayList<>();
    NetOptions options = config.netOptions();
    for (int k = 0; k < config.workerCount(); k++) {
      if (onlyWorker >= 0 && k != onlyWorker) {
        continue;
      }
      if (role == Role.DEALER) {
        Endpoint at = config.endpoint(Role.DEALER, k);
        running.add(DealerServer.start(group, tls, at.host(), at.port(), options, 256));
      } else {
        running.add(PartyServer.start(role, k, config, tls, group));
      }
    }
    if (running.isEmpty()) {
      throw new Args.UsageException("worker " + onlyWorker + " is not in the configuration (" + config.workerCount() + " workers)");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (AutoCloseable c : running) {
        try {
          c.close();
        } catch (Exception ignored) {
          // shutting down anyway
        }
      }
      group.shutdownGracefully();
      stopped.countDown();
    }));
    System.out.println(role + " ready: " + running.size() + " worker(s)");
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
