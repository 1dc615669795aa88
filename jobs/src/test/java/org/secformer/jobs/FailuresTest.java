package org.secformer.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one-line-plus-cause report of a failed job. */
class FailuresTest {
  @Test
  void keepsTheOuterFirstLineAndTheRootCauseWithoutStackFrames() {
    Exception root = new IllegalStateException("P0 engine exited with code 1; its log logs/p0.log ends with:\n"
        + "java.net.BindException: Address already in use\n\tat sun.nio.ch.Net.bind0(Native Method)\n"
        + "\t... 12 more");
    Exception spark = new RuntimeException("Job aborted due to stage failure: Task 0 failed\n\tat a.b.C.d(C.java:1)",
        new RuntimeException("wrapper", root));
    assertEquals("Job aborted due to stage failure: Task 0 failed\n  caused by IllegalStateException: P0 engine exited "
        + "with code 1; its log logs/p0.log ends with:\njava.net.BindException: Address already in use",
        Failures.describe(spark));
    assertEquals("IllegalArgumentException: (no message)", Failures.describe(new IllegalArgumentException()));
  }
}
