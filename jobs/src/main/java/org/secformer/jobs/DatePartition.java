package org.secformer.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One date's partition {@code DIR/date=YYYY-MM-DD} of a job's output, replaced as a whole so a rerun for a
 * date never appends: Spark writes the new rows into a hidden staging folder beside it, and only after
 * that write has committed is the old partition moved aside and the staging folder renamed into its place
 * (two renames; readers skip the hidden folders), so old and new rows never mix. A run that dies leaves
 * the old partition (or, between the two renames, none) until the next run for that date, which also
 * removes its hidden leftovers. Other dates are never touched. Works on any Hadoop file system with
 * rename (local, HDFS).
 */
final class DatePartition {
  static final String COLUMN = "date";
  private final FileSystem fs;
  private final Path root;
  private final Path target;
  private final String name;

  DatePartition(Configuration hadoop, String outputDir, LocalDate date) {
    this.root = new Path(outputDir);
    this.name = COLUMN + "=" + date;
    this.target = new Path(root, name);
    try {
      this.fs = root.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of --output " + outputDir + ": " + e.getMessage(), e);
    }
  }

  /** The partition folder, {@code DIR/date=YYYY-MM-DD}. */
  String path() {
    return target.toString();
  }

  /** A fresh hidden folder for this run's rows; earlier runs' leftovers for this date are removed first. */
  String newStaging() throws IOException {
    if (fs.exists(root)) {
      for (FileStatus s : fs.listStatus(root)) {
        String n = s.getPath().getName();
        if (n.startsWith(".staging-" + name + "-") || n.startsWith(".replaced-" + name + "-")) {
          fs.delete(s.getPath(), true);
        }
      }
    }
    return new Path(root, ".staging-" + name + "-" + UUID.randomUUID()).toString();
  }

  /** Puts the committed staging folder in the partition's place and deletes the rows it replaces. */
  void replaceWith(String staging) throws IOException {
    Path old = new Path(root, ".replaced-" + name + "-" + UUID.randomUUID());
    boolean hadOld = fs.exists(target);
    if (hadOld && !fs.rename(target, old)) {
      throw new IOException("cannot move the previous " + target + " aside to " + old);
    }
    if (!fs.rename(new Path(staging), target)) {
      if (hadOld) {
        fs.rename(old, target);
      }
      throw new IOException("cannot rename " + staging + " to " + target);
    }
    if (hadOld) {
      fs.delete(old, true);
    }
  }
}
