package org.secformer.engine.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secformer.engine.MpcException;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.model.ModelPublisher;
import org.secformer.engine.model.TinyBert;
import org.secformer.engine.server.LocalCluster;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;
import org.secformer.shares.fxp.FixedPoint;
import org.secformer.shares.arrow.ShareBatch;
import org.secformer.shares.control.JobReport;
import org.secformer.shares.control.JobStart;

/**
 * A shared BERT classifier served for real: the owner publishes it, three parties with two workers each
 * run in this JVM over mutual-TLS loopback sockets, and the client's logits for sequences of different
 * lengths (several batches, on both worker pairs) equal the plaintext model's.
 */
class SecureBertServedTest {
  /** Ranges wide enough for the tiny random model. */
  static final ModelRanges TINY_RANGES = new ModelRanges("tiny", 16, 16, 50, 40, -64, 64, -128, 1, 16, 1, 65536,
      100, 1e-3, 1e3, 1e-12, 25, 1e-2, 1e3);

  @TempDir Path dir;

  @Test
  void servedClassifierLogitsMatchThePlaintextModel() throws Exception {
    BertModel model = TinyBert.withHead(TinyBert.random(3), 2, 4);
    ModelPublisher.publish("tiny-cls", model, 16, TINY_RANGES, dir.resolve("models"));
    ModelDescriptor descriptor = ModelDescriptor.read(dir.resolve("models/tiny-cls/model.json"));
    CertTool.generate(dir.resolve("certs"), Duration.ofDays(1));
    List<int[]> sequences = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      int len = 3 + (i * 5) % 9;
      int[] s = new int[len];
      s[0] = 1;
      for (int t = 1; t < len - 1; t++) {
        s[t] = 3 + (i * 7 + t * 3) % 20;
      }
      s[len - 1] = 2;
      sequences.add(s);
    }
    try (LocalCluster cluster = LocalCluster.start(dir.resolve("certs"), dir.resolve("models"), 2, Duration.ofSeconds(30));
        EngineClient client = EngineClient.connect(cluster.config(), TlsConfig.forRole(dir.resolve("certs"), Role.CLIENT))) {
      double[][] got;
      List<SecureBertClient.SharedOutput> shared;
      List<JobReport> reports;
      try (SecureBertClient bert = SecureBertClient.open(client, descriptor, null, new SecureBertClient.Options(3, 12))) {
        got = bert.scoreTokens(sequences);
        shared = bert.scoreTokensShared(sequences);
        reports = bert.end();
      }
      assertSharesReconstructTo(got, shared, descriptor.fracBits());
      PlainBert plain = new PlainBert(model);
      double worst = 0;
      for (int i = 0; i < sequences.size(); i++) {
        double[] want = plain.logits(BertInput.single(sequences.get(i)))[0];
        assertEquals(2, got[i].length);
        for (int k = 0; k < 2; k++) {
          worst = Math.max(worst, Math.abs(got[i][k] - want[k]));
        }
      }
      System.out.printf("served tiny classifier: max |secure - plain| logit = %.3g over %d sequences%n", worst,
          sequences.size());
      assertTrue(worst < 2e-2, "max logit error " + worst);
      long rows = reports.stream().filter(r -> r.partyId() == 0).mapToLong(JobReport::rows).sum();
      assertEquals(2 * sequences.size(), rows, "every sequence scored exactly once per call");
      // an unknown model is a clear error naming it, and the cluster keeps serving
      MpcException e = assertThrows(MpcException.class,
          () -> client.startJob(new JobStart("j-unknown", "no-such-model", 16, "bert", Map.of())));
      assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }
  }

  /**
   * The unreconstructed path: every sequence in exactly one batch, both shares carry its position, the
   * two shares together give the logits (up to the fresh randomness of a second run) and one share alone
   * does not.
   */
  private static void assertSharesReconstructTo(double[][] logits, List<SecureBertClient.SharedOutput> shared,
      int fracBits) {
    FixedPoint fxp = new FixedPoint(fracBits);
    boolean[] seen = new boolean[logits.length];
    double shareAloneOff = 0;
    for (SecureBertClient.SharedOutput b : shared) {
      assertArrayEquals(b.share0().rowIds(), b.share1().rowIds());
      assertEquals(0, b.share0().partyId());
      assertEquals(1, b.share1().partyId());
      double[] both = fxp.decode(ClientJob.reconstruct(new ShareBatch[] {b.share0(), b.share1()}));
      double[] alone = fxp.decode(b.share0().payload());
      long[] rows = b.share0().rowIds();
      for (int r = 0; r < rows.length; r++) {
        int i = (int) rows[r];
        assertTrue(!seen[i], "sequence " + i + " in two batches");
        seen[i] = true;
        for (int k = 0; k < 2; k++) {
          assertEquals(logits[i][k], both[r * 2 + k], 2e-2, "sequence " + i + " logit " + k);
          shareAloneOff = Math.max(shareAloneOff, Math.abs(alone[r * 2 + k] - logits[i][k]));
        }
      }
    }
    for (int i = 0; i < seen.length; i++) {
      assertTrue(seen[i], "sequence " + i + " missing from the shared outputs");
    }
    assertTrue(shareAloneOff > 1, "party 0's share alone looks like the logits: " + shareAloneOff);
  }
}
