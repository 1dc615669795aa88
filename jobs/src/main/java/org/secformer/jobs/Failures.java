package org.secformer.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * A short readable report of a failed job: Spark wraps an executor's error in layers whose messages carry
 * whole stack traces, while the innermost cause says what went wrong (and may quote a log's last lines).
 */
final class Failures {
  private static final int MAX_LINES = 15;

  private Failures() {}

  /** The outer message's first line, then the innermost cause's type and message without stack frames. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String inner = root.getClass().getSimpleName() + ": " + withoutFrames(root.getMessage());
    return root == e ? inner : firstLine(e.getMessage()) + "\n  caused by " + inner;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String withoutFrames(String s) {
    if (s == null) {
      return "(no message)";
    }
    List<String> kept = new ArrayList<>();
    for (String line : s.split("\n")) {
      String t = line.strip();
      if (t.startsWith("at ") || t.startsWith("...") || t.startsWith("Caused by:") || t.isEmpty()) {
        continue;
      }
      if (kept.size() == MAX_LINES) {
        kept.add("(more lines left out)");
        break;
      }
      kept.add(line);
    }
    return String.join("\n", kept);
  }
}
