package org.secformer.engine.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.SslContexts;
import org.secformer.engine.tls.TlsConfig;

/** A session link over real mutual-TLS loopback sockets. */
class SessionTest {
  @TempDir static Path dir;

  @Test
  void chunkedTensorsSentFromSeveralThreadsArriveWhole() throws Exception {
    // as the dealer's workers answer the requests of several jobs over one party's link at once
    CertTool.generate(dir, Duration.ofDays(1));
    NetOptions options = NetOptions.defaults().withChunkBytes(NetOptions.MIN_FRAME_BYTES);
    int threads = 3, perThread = 20, elements = 2_000;
    Map<Long, long[]> received = new ConcurrentHashMap<>();
    AtomicReference<Throwable> closed = new AtomicReference<>();
    CountDownLatch all = new CountDownLatch(threads * perThread);
    EventLoopGroup group = PeerLinks.newEventLoopGroup(2);
    try (SessionServer server = SessionServer.start(group, SslContexts.server(TlsConfig.forRole(dir, Role.DEALER)),
        Set.of(Role.P0), "test dealer port", "127.0.0.1", 0, options, () -> new SessionHandler() {
          @Override
          public void onMessage(Session s, Inbound in) {
            received.put(in.seq(), ((Inbound.Tensor) in).values());
            all.countDown();
          }

          @Override
          public void onClose(Session s, Throwable reason) {
            closed.compareAndSet(null, reason == null ? new IllegalStateException("closed") : reason);
          }
        })) {
      Session client = SessionClient.connect(group, SslContexts.client(TlsConfig.forRole(dir, Role.P0)), "127.0.0.1",
          server.port(), Set.of(Role.DEALER), "test client", options, (s, m) -> { });
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * perThread;
        Thread sender = new Thread(() -> {
          for (long seq = first; seq < first + perThread; seq++) {
            client.sendTensor("job-" + (seq % threads), seq, "corrections", values(seq, elements));
          }
        });
        sender.start();
        senders.add(sender);
      }
      for (Thread s : senders) {
        s.join();
      }
      assertTrue(all.await(30, TimeUnit.SECONDS), "received " + received.size() + ", link: " + closed.get());
      assertNull(closed.get(), "the link stays open");
      assertEquals(threads * perThread, received.size());
      received.forEach((seq, v) -> assertArrayEquals(values(seq, elements), v, "tensor " + seq));
      client.close();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static long[] values(long seq, int n) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = seq * 1_000_003L + i;
    }
    return v;
  }
}
