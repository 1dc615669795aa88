package org.secformer.spark.source;

import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where everything of one output folder lives (any Hadoop file system: file:, hdfs:, s3a:, ...).
 *
 * <pre>
 *   dir/p0/part-00000.arrow    party 0's output shares of write partition 0 (Arrow IPC stream)
 *   dir/p1/part-00000.arrow    party 1's, same rows in the same order
 *   dir/_secformer.json        public manifest: model, labels, fracBits, width, rows, files, null ids
 *   dir/_SUCCESS               written last at job commit: the output is complete
 *   dir/_temporary/&lt;job&gt;/p0|p1/&lt;partition&gt;-&lt;task&gt;-&lt;attempt&gt;.arrow   task attempts, before job commit
 * </pre>
 */
record OutputLayout(String dir) implements Serializable {
  static final String MANIFEST = "_secformer.json";
  static final String SUCCESS = "_SUCCESS";
  static final String TEMPORARY = "_temporary";
  static final String EXTENSION = ".arrow";

  Path root() {
    return new Path(dir);
  }

  Path party(int party) {
    return new Path(root(), "p" + party);
  }

  Path manifest() {
    return new Path(root(), MANIFEST);
  }

  Path success() {
    return new Path(root(), SUCCESS);
  }

  Path temporary() {
    return new Path(root(), TEMPORARY);
  }

  Path job(String jobId) {
    return new Path(temporary(), jobId);
  }

  /** A task attempt's file: unique per attempt, so retries and speculative copies never collide. */
  Path attemptFile(String jobId, int party, String attemptName) {
    return new Path(new Path(job(jobId), "p" + party), attemptName);
  }

  static String attemptName(int partition, long taskId, int attempt) {
    return partition + "-" + taskId + "-" + attempt + EXTENSION;
  }

  /** The committed file of a write partition: one per partition, whichever attempt won. */
  static String committedName(int partition) {
    return String.format("part-%05d%s", partition, EXTENSION);
  }

  Path committedFile(int party, String name) {
    return new Path(party(party), name);
  }

  FileSystem fs(Configuration conf) throws IOException {
    return root().getFileSystem(conf);
  }
}
