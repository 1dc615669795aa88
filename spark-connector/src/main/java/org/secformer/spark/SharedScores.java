package org.secformer.spark;

import java.util.BitSet;
import java.util.List;
import org.secformer.engine.client.SecureBertClient;

/**
 * Both computing parties' output shares for a list of texts, as a data owner that is not the result
 * receiver holds them: one pair of {@code ShareBatch}es per engine batch (payload [rows, width], row ids
 * = positions in the caller's text list), together covering every text that got an output exactly once.
 *
 * @param batches the share pairs, party 0's then party 1's; each pair has the same row ids
 * @param nulls positions of texts with no output: null texts and, under the null policy, over-long ones
 * @param truncated positions of texts that were cut to the maximum length
 */
public record SharedScores(List<SecureBertClient.SharedOutput> batches, BitSet nulls, BitSet truncated) {}
