package org.secformer.spark.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Plans one input partition per committed write task from the manifest, after checking on the driver
 * that the folder holds complete output ({@code _SUCCESS}) and the files the read needs.
 */
final class SecformerScan implements Scan, Batch {
  private final OutputLayout layout;
  private final int party;
  private Manifest manifest;

  SecformerScan(OutputLayout layout, int party) {
    this.layout = layout;
    this.party = party;
  }

  @Override
  public StructType readSchema() {
    return ReadSchemas.of(party);
  }

  @Override
  public String description() {
    return "secformer " + (party < 0 ? "reconstructed outputs" : "party " + party + " shares") + " of " + layout.dir();
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    Manifest m = manifest();
    InputPartition[] out = new InputPartition[m.tasks().size()];
    for (int i = 0; i < out.length; i++) {
      Manifest.Task t = m.tasks().get(i);
      out[i] = new SecformerInputPartition(t.file(), t.shareRows(), t.nullIds());
    }
    return out;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    // broadcast once: each partition would otherwise carry the whole Hadoop configuration
    SparkContext sc = SparkSession.active().sparkContext();
    Broadcast<SerializableConfiguration> conf = SerializableConfiguration.broadcast(sc, hadoopConf());
    return new SecformerReaderFactory(layout, party, OutputFacts.of(manifest()), conf);
  }

  private Manifest manifest() {
    if (manifest == null) {
      manifest = readManifest();
    }
    return manifest;
  }

  private Manifest readManifest() {
    try {
      FileSystem fs = layout.fs(hadoopConf());
      if (!fs.exists(layout.success()) || !fs.exists(layout.manifest())) {
        throw new IllegalStateException(layout.dir() + " holds no committed secformer output (no "
            + OutputLayout.SUCCESS + " or " + OutputLayout.MANIFEST + "): was it written by format(\"secformer\"), "
            + "and did that write succeed?");
      }
      for (int p = 0; p < 2; p++) {
        if ((party < 0 || party == p) && !fs.isDirectory(layout.party(p))) {
          throw new IllegalStateException(layout.dir() + " has no folder p" + p + " (party " + p + "'s shares)"
              + (party < 0 ? "; reconstructing needs both parties' folders" : ""));
        }
      }
      Path manifestPath = layout.manifest();
      try (InputStream in = fs.open(manifestPath)) {
        return Manifest.read(in, manifestPath.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secformer output in " + layout.dir() + ": " + e.getMessage(), e);
    }
  }

  private static Configuration hadoopConf() {
    return SparkSession.active().sparkContext().hadoopConfiguration();
  }
}
