package org.secformer.engine.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.net.NetworkEmulation;

/** The engine properties that turn on an emulated network between P0 and P1 (off by default). */
class NetworkEmulationConfigTest {
  @TempDir Path dir;

  private static Properties base() {
    Properties p = new Properties();
    p.setProperty(EngineConfigLoader.P0_WORKERS, "127.0.0.1:9000");
    p.setProperty(EngineConfigLoader.P1_WORKERS, "127.0.0.1:9100");
    p.setProperty(EngineConfigLoader.DEALER_WORKERS, "127.0.0.1:9200");
    p.setProperty(EngineConfigLoader.TLS_DIR, "certs");
    return p;
  }

  @Test
  void offByDefault() {
    EngineConfig c = EngineConfigLoader.fromProperties(base(), dir);
    assertFalse(c.emulation().enabled());
    assertFalse(c.netOptions().emulation().enabled());
  }

  @Test
  void presetsAndExplicitValuesReachTheLinkOptionsAndSurviveAWriteAndLoad() throws Exception {
    Properties p = base();
    p.setProperty(EngineConfigLoader.NET_EMULATE, "wan");
    assertEquals(NetworkEmulation.WAN, EngineConfigLoader.fromProperties(p, dir).netOptions().emulation());
    p.setProperty(EngineConfigLoader.NET_EMULATE, "lan");
    p.setProperty(EngineConfigLoader.NET_EMULATE_DELAY_MS, "2.5");
    EngineConfig c = EngineConfigLoader.fromProperties(p, dir);
    assertEquals(new NetworkEmulation(10_000_000_000L, Duration.ofNanos(2_500_000)), c.emulation());
    Properties q = base();
    q.setProperty(EngineConfigLoader.NET_EMULATE_MBPS, "100");
    assertEquals(new NetworkEmulation(100_000_000L, Duration.ZERO), EngineConfigLoader.fromProperties(q, dir).emulation());
    EngineConfig back = EngineConfigLoader.load(EngineConfigLoader.write(c, dir.resolve("engine.properties")));
    assertEquals(c.emulation(), back.emulation());
  }

  @Test
  void badValuesNameTheKey() {
    Properties p = base();
    p.setProperty(EngineConfigLoader.NET_EMULATE, "satellite");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EngineConfigLoader.fromProperties(p, dir));
    assertTrue(e.getMessage().contains(EngineConfigLoader.NET_EMULATE) && e.getMessage().contains("lan"), e.getMessage());
    Properties q = base();
    q.setProperty(EngineConfigLoader.NET_EMULATE_DELAY_MS, "-3");
    e = assertThrows(IllegalArgumentException.class, () -> EngineConfigLoader.fromProperties(q, dir));
    assertTrue(e.getMessage().contains(EngineConfigLoader.NET_EMULATE_DELAY_MS), e.getMessage());
  }
}
