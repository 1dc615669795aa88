package org.secformer.spark.source;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.Write;
import org.secformer.spark.SecformerConf;

/** A checked write: where to, which columns, which scoring settings. */
final class SecformerWrite implements Write {
  private final OutputLayout layout;
  private final WriteColumns columns;
  private final SecformerConf conf;

  SecformerWrite(OutputLayout layout, WriteColumns columns, SecformerConf conf) {
    this.layout = layout;
    this.columns = columns;
    this.conf = conf;
  }

  @Override
  public String description() {
    return "secformer output shares of model " + conf.modelId() + " for column " + columns.textColumn() + " to "
        + layout.dir();
  }

  @Override
  public BatchWrite toBatch() {
    return new SecformerBatchWrite(layout, columns, conf);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return SecformerMetrics.supported();
  }
}
