package org.secformer.spark.source;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.util.SerializableConfiguration;
import org.secformer.spark.SecformerConf;

/** Shipped to the executors: small fields plus the broadcast Hadoop configuration. */
final class SecformerWriterFactory implements DataWriterFactory {
  private final OutputLayout layout;
  private final String jobId;
  private final WriteColumns columns;
  private final SecformerConf conf;
  private final Broadcast<SerializableConfiguration> hadoopConf;

  SecformerWriterFactory(OutputLayout layout, String jobId, WriteColumns columns, SecformerConf conf,
      Broadcast<SerializableConfiguration> hadoopConf) {
    this.layout = layout;
    this.jobId = jobId;
    this.columns = columns;
    this.conf = conf;
    this.hadoopConf = hadoopConf;
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
    TaskContext task = TaskContext.get();
    int attempt = task == null ? 0 : task.attemptNumber();
    TaskFiles files = new TaskFiles(layout, jobId, OutputLayout.attemptName(partitionId, taskId, attempt),
        hadoopConf.value().value());
    return new SecformerDataWriter(partitionId, taskId, attempt, columns, conf, files);
  }
}
