package org.secformer.engine.dealer;

import java.util.EnumMap;
import java.util.Map;
import org.secformer.shares.ring.RingTensor;

/** The one place where each correlation kind is bound to its recipe. */
public final class Recipes {
  private static final Map<CorrelationKind, CorrelationRecipe> BY_KIND = new EnumMap<>(CorrelationKind.class);

  static {
    BY_KIND.put(CorrelationKind.MUL_TRIPLE, new MulTripleRecipe());
    BY_KIND.put(CorrelationKind.MATMUL_TRIPLE, new MatmulTripleRecipe());
    BY_KIND.put(CorrelationKind.MATMUL_FIXED_B, new FixedMaskMatmulRecipe());
    BY_KIND.put(CorrelationKind.TRUNC_PAIR, new TruncPairRecipe());
    BY_KIND.put(CorrelationKind.SIN_COS, new SinCosRecipe());
    BY_KIND.put(CorrelationKind.COMPARISON, new ComparisonRecipe());
    BY_KIND.put(CorrelationKind.SQUARE_PAIR, new SquarePairRecipe());
  }

  private Recipes() {}

  public static CorrelationRecipe of(CorrelationKind kind) {
    CorrelationRecipe r = BY_KIND.get(kind);
    if (r == null) {
      throw new IllegalArgumentException("no recipe for correlation kind " + kind);
    }
    return r;
  }

  static void requireCount(RingTensor[] corrections, int expected, CorrelationRequest req) {
    if (corrections == null || corrections.length != expected) {
      throw new IllegalStateException(
          "dealer sent " + (corrections == null ? 0 : corrections.length) + " tensors for " + req
              + ", expected " + expected);
    }
  }
}
