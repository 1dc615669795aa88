package org.secformer.jobs.bench;

/** Throughput of the served engines with one and with two worker pairs per party on the same sequences. */
public record Scaling(String setting, double sequencesPerSecondOne, double sequencesPerSecondTwo) {
  public double speedup() {
    return sequencesPerSecondTwo / sequencesPerSecondOne;
  }
}
