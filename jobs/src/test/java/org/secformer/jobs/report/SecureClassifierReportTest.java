package org.secformer.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secformer.jobs.train.SpamDataset;

/**
 * A small sample of the secure classifier report on real held-out emails: the secure MiniLM classifier
 * gives the plaintext labels, with logits within 0.05 (the full run over 520 texts is the report command).
 */
class SecureClassifierReportTest {
  @Test
  void secureLabelsEqualPlaintextLabelsOnHeldOutEmails() {
    List<SpamDataset.Email> emails = SpamDataset.load().heldOutSample(1200).subList(0, 6);
    SecureClassifierReport.Result r = SecureClassifierReport.run(emails, 3, System.out);
    System.out.print(SecureClassifierReport.markdown(r, 3));
    assertEquals(emails.size(), r.rows().size());
    assertEquals(emails.size(), r.agreeing(), "secure labels must equal the plaintext labels");
    assertTrue(r.maxLogitDiff() < 0.05, "max logit difference " + r.maxLogitDiff());
  }
}
