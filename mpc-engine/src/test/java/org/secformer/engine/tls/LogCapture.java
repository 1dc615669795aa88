package org.secformer.engine.tls;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects the formatted messages logged by some classes, for assertions on refusal logs. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
  private final List<String> lines = new ArrayList<>();
  private final List<String> thrown = new ArrayList<>();
  private final List<Logger> loggers = new ArrayList<>();
  private boolean root;

  private LogCapture() {
    super("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
  }

  /** Starts capturing what {@code classes} log. */
  public static LogCapture of(Class<?>... classes) {
    LogCapture c = new LogCapture();
    c.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    for (Class<?> k : classes) {
      Logger l = ctx.getLogger(k.getName());
      l.addAppender(c);
      c.loggers.add(l);
    }
    return c;
  }

  /**
   * Starts capturing everything every logger passes on (Netty's included), at the levels the logging
   * configuration lets through; see {@link #withRootLevel} for more.
   */
  public static LogCapture all() {
    LogCapture c = new LogCapture();
    c.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().addAppender(c, Level.ALL, null);
    ctx.updateLoggers();
    c.root = true;
    return c;
  }

  @Override
  public synchronized void append(LogEvent event) {
    String line = event.getLevel() + " " + event.getMessage().getFormattedMessage();
    lines.add(line);
    if (event.getThrown() != null) {
      thrown.add(line + " <- " + event.getLoggerName() + " " + event.getThrown());
    }
  }

  /** How many lines so far. */
  public synchronized int size() {
    return lines.size();
  }

  /** Lines from index {@code from} on. */
  public synchronized List<String> linesFrom(int from) {
    return new ArrayList<>(lines.subList(from, lines.size()));
  }

  /** Lines that came with an exception attached (its stack trace would follow them in a real log). */
  public synchronized List<String> linesWithStackTraces() {
    return new ArrayList<>(thrown);
  }

  /** Forgets the lines so far. */
  public synchronized void clear() {
    lines.clear();
    thrown.clear();
  }

  /** Lines so far, each "LEVEL message". */
  public synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  /** Lines at WARN containing every fragment, waiting up to 5 s for them to appear (logging is async to the test). */
  public List<String> awaitWarn(String... fragments) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (true) {
      List<String> hits = lines().stream()
          .filter(s -> s.startsWith(Level.WARN.name()))
          .filter(s -> {
            for (String f : fragments) {
              if (!s.contains(f)) {
                return false;
              }
            }
            return true;
          })
          .toList();
      if (!hits.isEmpty() || System.nanoTime() > end) {
        return hits;
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    for (Logger l : loggers) {
      l.removeAppender(this);
    }
    if (root) {
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      ctx.getConfiguration().getRootLogger().removeAppender(getName());
      ctx.updateLoggers();
    }
    stop();
  }
}
