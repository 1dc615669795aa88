package org.secformer.spark.source;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.arrow.ShareIpc;
import org.secformer.shares.arrow.ShareStreamWriter;

/**
 * A task attempt's two output files, one per party, under the job's temporary folder: each an Arrow IPC
 * stream of that party's share batches, in the same order with the same row ids. They are opened at the
 * first batch, so an attempt with no output leaves no file.
 */
final class TaskFiles implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(TaskFiles.class);

  private final OutputLayout layout;
  private final String jobId;
  private final String name;
  private final Configuration hadoopConf;
  private BufferAllocator allocator;
  private final OutputStream[] streams = new OutputStream[2];
  private final ShareStreamWriter[] writers = new ShareStreamWriter[2];
  private boolean closed;

  TaskFiles(OutputLayout layout, String jobId, String name, Configuration hadoopConf) {
    this.layout = layout;
    this.jobId = jobId;
    this.name = name;
    this.hadoopConf = hadoopConf;
  }

  /** The attempt's file name (the same in both parties' folders). */
  String name() {
    return name;
  }

  boolean opened() {
    return allocator != null;
  }

  /** Appends one engine batch's two shares. */
  void write(ShareBatch share0, ShareBatch share1) throws IOException {
    if (closed) {
      throw new IllegalStateException("the task's output files are closed");
    }
    if (allocator == null) {
      open();
    }
    writers[0].write(share0);
    writers[1].write(share1);
  }

  private void open() throws IOException {
    allocator = new RootAllocator();
    ShareIpc ipc = new ShareIpc(allocator);
    FileSystem fs = layout.fs(hadoopConf);
    for (int p = 0; p < 2; p++) {
      streams[p] = fs.create(layout.attemptFile(jobId, p, name), true);
      writers[p] = ipc.openStream(streams[p]);
    }
  }

  /** Ends both streams and closes the files; after this they are complete. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    for (int p = 0; p < 2; p++) {
      first = closing(writers[p], first);
      first = closing(streams[p], first);
    }
    if (allocator != null) {
      allocator.close();
    }
    if (first != null) {
      throw first;
    }
  }

  /** Closes {@code c} whatever happened before, keeping the first failure to report. */
  private static IOException closing(AutoCloseable c, IOException first) {
    if (c == null) {
      return first;
    }
    try {
      c.close();
      return first;
    } catch (Exception e) {
      IOException io = e instanceof IOException i ? i
          : e instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getMessage(), e);
      if (first != null) {
        first.addSuppressed(io);
        return first;
      }
      return io;
    }
  }

  /** After a failure: closes what is open without caring how, and deletes both files. */
  void delete() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("closing the aborted attempt files {} failed: {}", name, e.toString());
    }
    try {
      FileSystem fs = layout.fs(hadoopConf);
      for (int p = 0; p < 2; p++) {
        Path file = layout.attemptFile(jobId, p, name);
        fs.delete(file, false);
      }
    } catch (IOException e) {
      // the job's temporary folder goes at job commit or abort anyway
      LOG.warn("deleting the aborted attempt files {} failed: {}", name, e.toString());
    }
  }
}
