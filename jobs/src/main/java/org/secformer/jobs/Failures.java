package org.secformer.jobs;

/** One readable line for a failed job: Spark wraps executor errors in several layers with stack traces. */
final class Failures {
  private Failures() {}

  /** The first line of the outer message and the innermost cause's type and message. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = firstLine(e.getMessage());
    String inner = root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    return root == e ? inner : outer + "\n  caused by " + inner;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
