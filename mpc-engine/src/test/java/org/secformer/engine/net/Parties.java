package org.secformer.engine.net;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs one body per party on two threads and returns both results (rethrowing the first failure). */
final class Parties {
  private Parties() {}

  static <T> List<T> run(PeerLinks links, Function<NettyPeerChannel, T> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<T> f0 = pool.submit(() -> body.apply(links.p0()));
      Future<T> f1 = pool.submit(() -> body.apply(links.p1()));
      try {
        return List.of(f0.get(), f1.get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception x) {
          throw x;
        }
        throw e;
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
