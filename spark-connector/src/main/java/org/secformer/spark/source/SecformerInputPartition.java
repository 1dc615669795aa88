package org.secformer.spark.source;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One committed write task's output: its file name under {@code p0/} and {@code p1/} (null when it had
 * only null rows), its share row count and the ids of its null rows.
 */
record SecformerInputPartition(String file, long shareRows, long[] nullIds) implements InputPartition {}
