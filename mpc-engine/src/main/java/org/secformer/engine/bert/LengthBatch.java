package org.secformer.engine.bert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;

/**
 * One batch of sequences of a common padded length: which input rows it holds and the padded input.
 * Grouping by padded length before batching keeps padding (and so secure work) as small as the length
 * buckets allow.
 *
 * @param rows indices into the input list, increasing
 * @param input the rows' sequences padded with id 0 to the group's length
 */
public record LengthBatch(int[] rows, BertInput input) {

  /**
   * The sequences grouped by {@code paddedLength(length)}, shortest group first, each group cut into
   * batches of at most {@code batchSize} rows in input order; together the batches hold every row once.
   */
  public static List<LengthBatch> of(List<int[]> sequences, IntUnaryOperator paddedLength, int batchSize) {
    Map<Integer, List<Integer>> byLength = new TreeMap<>();
    for (int i = 0; i < sequences.size(); i++) {
      byLength.computeIfAbsent(paddedLength.applyAsInt(sequences.get(i).length), k -> new ArrayList<>()).add(i);
    }
    List<LengthBatch> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
      List<Integer> rows = group.getValue();
      for (int from = 0; from < rows.size(); from += batchSize) {
        int[] idx = rows.subList(from, Math.min(rows.size(), from + batchSize)).stream()
            .mapToInt(Integer::intValue).toArray();
        List<int[]> chosen = new ArrayList<>(idx.length);
        for (int r : idx) {
          chosen.add(sequences.get(r));
        }
        out.add(new LengthBatch(idx, BertInput.padded(chosen, 0, group.getKey())));
      }
    }
    return out;
  }
}
