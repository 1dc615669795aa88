package org.secformer.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import org.secformer.engine.bench.RandomBert;
import org.secformer.engine.bert.BertConfig;
import org.secformer.engine.bert.BertConfig.AttentionKind;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.jobs.model.SpamClassifierModel;
import org.secformer.jobs.train.SpamDataset;

/** The models of the benchmark and the inputs they are measured on. */
public enum BenchModel {
  /** The product's real classifier: all-MiniLM-L6-v2 weights and the committed ham/spam head. */
  MINILM("minilm", "MiniLM-L6 spam classifier (real weights)"),
  /** BERT-base shapes (12 x 768, 12 heads, FFN 3072, vocab 30522) with random weights and a 2-label head. */
  BERT_BASE("bert-base", "BERT-base shape (random weights)");

  private final String key;
  private final String label;

  BenchModel(String key, String label) {
    this.key = key;
    this.label = label;
  }

  public String key() {
    return key;
  }

  public String label() {
    return label;
  }

  public static BenchModel parse(String key) {
    for (BenchModel m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown model '" + key + "' (known: minilm, bert-base)");
  }

  /**
   * The model with the given attention. MiniLM with 2Quad keeps MiniLM's weights: it measures the cost of
   * the 2Quad path, not a distilled student's accuracy.
   */
  public BertModel load(AttentionKind attention) {
    BertModel m = this == MINILM ? SpamClassifierModel.load() : RandomBert.of(BertConfig.bertBase().withNumLabels(2), 1);
    return m.withConfig(m.config().withAttention(attention));
  }

  /**
   * A batch of {@code batch} sequences of padded length {@code seq}: for MiniLM the held-out emails as the
   * product tokenizes them (subject and body), longest first so that most are real tokens up to the end;
   * for BERT-base random ids.
   */
  public BertInput input(int batch, int seq) {
    if (this == BERT_BASE) {
      return new BertInput(RandomBert.ids(batch, seq, BertConfig.bertBase().vocab(), 7L * seq + batch), null, null);
    }
    WordPieceTokenizer tokenizer = SpamClassifierModel.tokenizer();
    List<int[]> ids = new ArrayList<>();
    for (SpamDataset.Email e : SpamDataset.load().heldOut()) {
      int[] one = tokenizer.encode(SpamClassifierModel.text(e), seq).intIds();
      if (one.length == seq) {
        ids.add(one);
      }
      if (ids.size() == batch) {
        break;
      }
    }
    if (ids.size() < batch) {
      throw new IllegalStateException("only " + ids.size() + " held-out emails have " + seq + " tokens");
    }
    return BertInput.padded(ids, tokenizer.padId(), seq);
  }
}
