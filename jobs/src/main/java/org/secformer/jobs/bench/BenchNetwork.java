package org.secformer.jobs.bench;

import org.secformer.engine.job.InProcessParties.Transport;
import org.secformer.engine.net.NetworkEmulation;

/** How P0 and P1 are connected in a benchmark run (the dealer stays in-process: its material is offline). */
public enum BenchNetwork {
  /** In-memory links in one JVM: the protocols' compute and traffic without a network. */
  IN_MEMORY("in-memory", Transport.IN_MEMORY),
  /** A real mutual-TLS link on loopback, nothing added. */
  TLS("tls", Transport.tls(NetworkEmulation.NONE)),
  /** TLS loopback shaped to 10 Gbps with 0.1 ms added one way (Netty traffic shaping + a delay line). */
  LAN("lan", Transport.tls(NetworkEmulation.LAN)),
  /** TLS loopback shaped to 1 Gbps with 20 ms added one way. */
  WAN("wan", Transport.tls(NetworkEmulation.WAN));

  private final String label;
  private final Transport transport;

  BenchNetwork(String label, Transport transport) {
    this.label = label;
    this.transport = transport;
  }

  public String label() {
    return label;
  }

  Transport transport() {
    return transport;
  }

  /** How the report describes the link. */
  String describe() {
    return transport.toString();
  }

  public static BenchNetwork parse(String s) {
    for (BenchNetwork n : values()) {
      if (n.label.equals(s)) {
        return n;
      }
    }
    throw new IllegalArgumentException("unknown network '" + s + "' (known: in-memory, tls, lan, wan)");
  }
}
