package org.secformer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.client.ClientJob;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.dealer.DealerServer;
import org.secformer.engine.model.ModelSharer;
import org.secformer.engine.model.ModelStore;
import org.secformer.engine.net.PeerLinks;
import org.secformer.engine.server.Endpoint;
import org.secformer.engine.server.EngineConfig;
import org.secformer.engine.server.EngineConfigLoader;
import org.secformer.engine.server.LocalCluster;
import org.secformer.engine.server.PartyServer;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.control.JobStart;

/**
 * Bad configuration and bad model files through the real entry points: {@code engine serve} (its
 * {@link EngineMain#execute} with the error stream captured) fails at start with one line naming the key
 * or file; endpoints and model files that are only used when a job starts fail that job with a message
 * naming them, and the engine keeps running.
 */
class EngineStartErrorsTest {
  private static final FixedPoint FXP = FixedPoint.defaults();
  @TempDir static Path dir;
  static Path certs;

  @BeforeAll
  static void makeCertificatesAndModels() throws Exception {
    certs = dir.resolve("certs");
    CertTool.generate(certs, Duration.ofDays(1));
    double[] w = new double[8 * 2];
    java.util.Arrays.fill(w, 0.5);
    for (String id : List.of("good", "truncated", "tampered")) {
      ModelSharer.share(id, 16, Map.of("W", FXP.encode(w, 8, 2)), dir.resolve("models"));
    }
    Path truncated = ModelStore.shareFile(dir.resolve("models"), "truncated", 1);
    byte[] t = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(t, t.length / 2));
    Path tampered = ModelStore.shareFile(dir.resolve("models"), "tampered", 1);
    byte[] b = Files.readAllBytes(tampered);
    b[b.length / 2] ^= 0x10; // one bit of one weight share
    Files.write(tampered, b);
  }

  /** A configuration file with the keys every run needs, then {@code extra} lines. */
  private static Path conf(String name, String tlsDir, String... extra) throws Exception {
    StringBuilder b = new StringBuilder();
    b.append(EngineConfigLoader.P0_WORKERS).append("=127.0.0.1:0\n");
    b.append(EngineConfigLoader.P1_WORKERS).append("=127.0.0.1:0\n");
    b.append(EngineConfigLoader.DEALER_WORKERS).append("=127.0.0.1:0\n");
    if (tlsDir != null) {
      b.append(EngineConfigLoader.TLS_DIR).append('=').append(tlsDir).append('\n');
    }
    for (String line : extra) {
      b.append(line).append('\n');
    }
    Path f = dir.resolve(name + ".properties");
    Files.writeString(f, b.toString());
    return f;
  }

  private record Run(int code, String err) {}

  /** {@code engine serve --role ROLE --conf FILE}; a run that starts serving would block, so it must fail. */
  private static Run serve(String role, Path conf) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> EngineMain.execute(
        new String[] {"serve", "--role", role, "--conf", conf.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8)));
    int c = code.get(30, TimeUnit.SECONDS);
    return new Run(c, err.toString(StandardCharsets.UTF_8));
  }

  private static void assertOneClearLine(Run r, String... fragments) {
    assertEquals(1, r.code(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, "one line, no stack trace: " + r.err());
    assertTrue(lines[0].startsWith("engine: "), lines[0]);
    for (String f : fragments) {
      assertTrue(lines[0].contains(f), "'" + f + "' missing from: " + lines[0]);
    }
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in thread"), r.err());
  }

  @Test
  void aMissingCertificateFileIsNamedWithItsConfigurationKey() throws Exception {
    Path partial = dir.resolve("partial-certs");
    Files.createDirectories(partial);
    for (String f : List.of("ca.crt", "p0.crt")) {
      Files.copy(certs.resolve(f), partial.resolve(f));
    }
    Run r = serve("p0", conf("missing-key-file", partial.toString()));
    assertOneClearLine(r, partial.resolve("p0.key").toString(), "not found", EngineConfigLoader.TLS_DIR);
  }

  @Test
  void anUnreadablePrivateKeyIsNamedWithTheReason() throws Exception {
    Path broken = dir.resolve("broken-key");
    Files.createDirectories(broken);
    for (String f : List.of("ca.crt", "dealer.crt")) {
      Files.copy(certs.resolve(f), broken.resolve(f));
    }
    Files.writeString(broken.resolve("dealer.key"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    Run r = serve("dealer", conf("broken-key", broken.toString()));
    assertOneClearLine(r, broken.resolve("dealer.key").toString(), "role dealer");
  }

  @Test
  void aMissingKeyABadEndpointAndAnUnbindableEndpointAreNamed() throws Exception {
    assertOneClearLine(serve("p0", conf("no-tls", null)), "missing configuration key " + EngineConfigLoader.TLS_DIR);
    assertOneClearLine(serve("p1", conf("bad-endpoint", certs.toString(), EngineConfigLoader.P1_WORKERS + "=127.0.0.1:http")),
        EngineConfigLoader.P1_WORKERS, "127.0.0.1:http", "not a number");
    assertOneClearLine(serve("p0", conf("bad-peer-port", certs.toString(), EngineConfigLoader.P0_PEER_PORTS + "=x")),
        EngineConfigLoader.P0_PEER_PORTS, "'x' is not a port");
    // 192.0.2.0/24 is TEST-NET-1: no interface of this machine has it
    assertOneClearLine(serve("p1", conf("foreign-host", certs.toString(), EngineConfigLoader.P1_WORKERS + "=192.0.2.1:4000")),
        "cannot listen on 192.0.2.1:4000");
    assertOneClearLine(serve("p0", dir.resolve("no-such.properties")), "cannot read engine configuration",
        "no-such.properties");
  }

  @Test
  void anUnreachablePeerEndpointFailsTheJobNamingTheEndpointAndItsKey() throws Exception {
    EventLoopGroup group = PeerLinks.newEventLoopGroup(2);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // free once closed: nothing listens there
    }
    Map<Role, List<Endpoint>> eps = new EnumMap<>(Role.class);
    try (DealerServer dealer = DealerServer.start(group, TlsConfig.forRole(certs, Role.DEALER), "127.0.0.1", 0,
        org.secformer.engine.net.NetOptions.defaults(), 8)) {
      eps.put(Role.DEALER, List.of(new Endpoint("127.0.0.1", dealer.port())));
      eps.put(Role.P0, List.of(new Endpoint("127.0.0.1", 0)));
      eps.put(Role.P1, List.of(new Endpoint("127.0.0.1", 0)));
      EngineConfig base = new EngineConfig(eps, List.of(0), certs, 64 << 20, 5_000, dir.resolve("models"), 16);
      try (PartyServer p0 = PartyServer.start(Role.P0, 0, base, TlsConfig.forRole(certs, Role.P0), group)) {
        eps.put(Role.P0, List.of(new Endpoint("127.0.0.1", p0.clientPort())));
        // P1 is told a wrong port for P0's peer link
        EngineConfig wrong = base.withWorkers(eps, List.of(closedPort));
        try (PartyServer p1 = PartyServer.start(Role.P1, 0, wrong, TlsConfig.forRole(certs, Role.P1), group)) {
          eps.put(Role.P1, List.of(new Endpoint("127.0.0.1", p1.clientPort())));
          EngineConfig forClient = wrong.withWorkers(eps, List.of(closedPort));
          try (EngineClient client = EngineClient.connect(forClient, TlsConfig.forRole(certs, Role.CLIENT))) {
            MpcException e = assertThrows(MpcException.class,
                () -> client.startJob(new JobStart("job-wrong-peer", "good", 16, "linear", Map.of())));
            assertTrue(e.getMessage().contains("job-wrong-peer") && e.getMessage().contains("127.0.0.1:" + closedPort)
                && e.getMessage().contains(EngineConfigLoader.P0_PEER_PORTS), e.getMessage());
          }
        }
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTruncatedOrTamperedShareFileFailsItsJobNamingTheFileAndTheEngineKeepsServing() {
    try (LocalCluster cluster = LocalCluster.start(certs, dir.resolve("models"), 1, Duration.ofSeconds(5));
        EngineClient client = EngineClient.connect(cluster.config(), TlsConfig.forRole(certs, Role.CLIENT))) {
      for (String bad : List.of("truncated", "tampered")) {
        MpcException e = assertThrows(MpcException.class,
            () -> client.startJob(new JobStart("job-" + bad, bad, 16, "linear", Map.of())));
        String file = ModelStore.shareFile(dir.resolve("models"), bad, 1).getFileName().toString();
        assertTrue(e.getMessage().contains(file), bad + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\tat "), e.getMessage());
      }
      try (ClientJob job = client.startJob(new JobStart("job-good", "good", 16, "linear", Map.of()))) {
        assertEquals(1, job.run(new long[] {1}, FXP.encode(new double[8], 1, 8)).dim(0));
      }
    }
  }
}
