package org.secformer.jobs.bench;

import org.secformer.engine.bench.BertMeasure;

/** How P0 and P1 are connected in a benchmark run. */
public enum BenchNetwork {
  /** In-memory links in one JVM: the protocols' compute and traffic without a network. */
  IN_MEMORY("in-memory", BertMeasure.Parties.IN_MEMORY);

  private final String label;
  private final BertMeasure.Parties parties;

  BenchNetwork(String label, BertMeasure.Parties parties) {
    this.label = label;
    this.parties = parties;
  }

  public String label() {
    return label;
  }

  BertMeasure.Parties parties() {
    return parties;
  }

  public static BenchNetwork parse(String s) {
    for (BenchNetwork n : values()) {
      if (n.label.equals(s) || n.name().equalsIgnoreCase(s)) {
        return n;
      }
    }
    throw new IllegalArgumentException("unknown network '" + s + "' (known: in-memory)");
  }
}
