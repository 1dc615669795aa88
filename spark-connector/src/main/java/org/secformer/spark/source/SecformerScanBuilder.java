package org.secformer.spark.source;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** No push-downs: a folder is read whole (its rows are few next to what scoring them cost). */
final class SecformerScanBuilder implements ScanBuilder {
  private final CaseInsensitiveStringMap options;

  SecformerScanBuilder(CaseInsensitiveStringMap options) {
    this.options = options;
  }

  @Override
  public Scan build() {
    SecformerOptions.checkReadOptions(options);
    return new SecformerScan(new OutputLayout(SecformerOptions.path(options)), SecformerOptions.party(options));
  }
}
