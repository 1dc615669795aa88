package org.secformer.spark.source;

import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * One secformer output folder. It accepts any input schema on write (ACCEPT_ANY_SCHEMA): the written
 * DataFrame holds texts and ids, the folder holds shares of outputs, so Spark must not match the two
 * by column name; {@link WriteColumns} checks the input instead.
 *
 * <p>It offers batch writes only when opened by {@link SecformerSource#createRelation}: Spark refuses
 * the error-if-exists and ignore modes for a V2 table that can write, and sends every mode of a table
 * that cannot to the V1 entry, which checks the mode and then writes through this table.
 */
final class SecformerTable implements SupportsRead, SupportsWrite {
  private static final Set<TableCapability> READ = EnumSet.of(TableCapability.BATCH_READ);
  private static final Set<TableCapability> READ_WRITE = EnumSet.of(TableCapability.BATCH_READ,
      TableCapability.BATCH_WRITE, TableCapability.TRUNCATE, TableCapability.ACCEPT_ANY_SCHEMA);

  private final CaseInsensitiveStringMap options;

  SecformerTable(CaseInsensitiveStringMap options) {
    this.options = options;
  }

  @Override
  public String name() {
    return SecformerSource.SHORT_NAME + ":" + SecformerOptions.path(options);
  }

  @Override
  public StructType schema() {
    return ReadSchemas.of(SecformerOptions.party(options));
  }

  @Override
  public Set<TableCapability> capabilities() {
    return SecformerOptions.v2Write(options) ? READ_WRITE : READ;
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap readOptions) {
    return new SecformerScanBuilder(readOptions);
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    return new SecformerWriteBuilder(info);
  }
}
