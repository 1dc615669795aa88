package org.secformer.engine.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** "--name value" pairs of one subcommand; unknown or repeated names are errors that name the option. */
public final class Args {
  private final Map<String, String> values = new HashMap<>();

  public Args(String command, String[] args, int from, List<String> known) {
    for (int i = from; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !known.contains(name.substring(2))) {
        throw new UsageException(command + ": unknown option '" + name + "' (known: --" + String.join(", --", known) + ")");
      }
      if (i + 1 >= args.length) {
        throw new UsageException(command + ": option " + name + " needs a value");
      }
      if (values.put(name.substring(2), args[++i]) != null) {
        throw new UsageException(command + ": option " + name + " given twice");
      }
    }
  }

  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public String require(String name, String command) {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException(command + " needs --" + name);
    }
    return v;
  }

  public int intValue(String name, int fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  /** A mistake in the command line: printed with the usage, exit code 2. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }
}
