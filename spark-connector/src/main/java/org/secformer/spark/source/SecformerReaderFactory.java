package org.secformer.spark.source;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.util.SerializableConfiguration;

/** Shipped to the executors: the folder, the read mode, the model facts and the broadcast Hadoop conf. */
final class SecformerReaderFactory implements PartitionReaderFactory {
  private final OutputLayout layout;
  private final int party;
  private final OutputFacts facts;
  private final Broadcast<SerializableConfiguration> hadoopConf;

  SecformerReaderFactory(OutputLayout layout, int party, OutputFacts facts,
      Broadcast<SerializableConfiguration> hadoopConf) {
    this.layout = layout;
    this.party = party;
    this.facts = facts;
    this.hadoopConf = hadoopConf;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    if (!(partition instanceof SecformerInputPartition p)) {
      throw new IllegalArgumentException("not a secformer input partition: " + partition.getClass().getName());
    }
    PartyFiles files = new PartyFiles(layout, facts, hadoopConf.value().value());
    return party < 0 ? new ReconstructingReader(p, files, facts) : new PartyShareReader(p, files, party);
  }
}
