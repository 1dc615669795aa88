package org.secformer.jobs.train;

/** Binary classification counts with class 1 (spam) as the positive class. */
public record Metrics(int tp, int fp, int tn, int fn) {

    public static Metrics of(int[] truth, int[] predicted) {
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == 1) {
                if (truth[i] == 1) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (truth[i] == 1) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Metrics(tp, fp, tn, fn);
    }

    public int n() {
        return tp + fp + tn + fn;
    }

    public double accuracy() {
        return (tp + tn) / (double) n();
    }

    public double precision() {
        return tp + fp == 0 ? 0 : tp / (double) (tp + fp);
    }

    public double recall() {
        return tp + fn == 0 ? 0 : tp / (double) (tp + fn);
    }

    /** Accuracy of always predicting the majority class of these examples. */
    public double majorityBaseline() {
        int pos = tp + fn;
        return Math.max(pos, n() - pos) / (double) n();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "acc %.4f  spam P %.4f R %.4f  (n %d, majority %.4f)",
                accuracy(), precision(), recall(), n(), majorityBaseline());
    }
}
