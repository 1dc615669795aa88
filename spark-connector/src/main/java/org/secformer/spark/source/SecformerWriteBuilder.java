package org.secformer.spark.source;

import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;

/**
 * Checks a write on the driver before any task starts: the output folder, the id and text columns, the
 * scoring settings. Only whole-folder writes exist: mode overwrite arrives here as {@link #truncate};
 * appending to earlier output is refused (its manifest and per-task files would have to be merged).
 */
final class SecformerWriteBuilder implements WriteBuilder, SupportsTruncate {
  private final LogicalWriteInfo info;
  private boolean truncate;

  SecformerWriteBuilder(LogicalWriteInfo info) {
    this.info = info;
  }

  @Override
  public WriteBuilder truncate() {
    truncate = true;
    return this;
  }

  @Override
  public Write build() {
    if (!truncate) {
      throw new UnsupportedOperationException("the secformer source does not append to earlier output; write with "
          + "mode \"overwrite\" (replaces the folder's output) or \"errorifexists\" (the default)");
    }
    String path = SecformerOptions.path(info.options());
    WriteColumns columns = WriteColumns.of(info.schema(), SecformerOptions.textColumn(info.options()),
        SecformerOptions.idColumn(info.options()));
    return new SecformerWrite(new OutputLayout(path), columns, SecformerOptions.scoringConf(info.options()));
  }
}
