package org.secformer.spark.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.util.SerializableConfiguration;
import org.secformer.spark.SecformerConf;

/**
 * One write job on the driver: a fresh job id names its temporary folder, tasks write there, and
 * {@link #commit} publishes exactly one attempt per partition ({@link JobCommit}); {@link #abort}
 * deletes the job's temporary folder.
 */
final class SecformerBatchWrite implements BatchWrite {
  private final OutputLayout layout;
  private final WriteColumns columns;
  private final SecformerConf conf;
  private final String jobId = UUID.randomUUID().toString();

  SecformerBatchWrite(OutputLayout layout, WriteColumns columns, SecformerConf conf) {
    this.layout = layout;
    this.columns = columns;
    this.conf = conf;
  }

  @Override
  public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
    // broadcast once: each task would otherwise carry the whole Hadoop configuration
    SparkContext sc = SparkSession.active().sparkContext();
    return new SecformerWriterFactory(layout, jobId, columns, conf, SerializableConfiguration.broadcast(sc, hadoopConf()));
  }

  @Override
  public void commit(WriterCommitMessage[] messages) {
    try {
      new JobCommit(layout, jobId, hadoopConf()).commit(messages, conf.modelId(), columns);
    } catch (IOException e) {
      throw new UncheckedIOException("committing the secformer output to " + layout.dir() + " failed: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void abort(WriterCommitMessage[] messages) {
    new JobCommit(layout, jobId, hadoopConf()).abort();
  }

  private static Configuration hadoopConf() {
    return SparkSession.active().sparkContext().hadoopConfiguration();
  }
}
