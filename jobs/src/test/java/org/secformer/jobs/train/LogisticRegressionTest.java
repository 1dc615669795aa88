package org.secformer.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    static double[][] x;
    static int[] y;

    static {
        SplittableRandom r = new SplittableRandom(42);
        int n = 400;
        int d = 5;
        double[] truth = {2, -1, 0.5, 0, 3};
        x = new double[n][d];
        y = new int[n];
        for (int i = 0; i < n; i++) {
            double z = -0.3;
            for (int k = 0; k < d; k++) {
                x[i][k] = r.nextGaussian();
                z += truth[k] * x[i][k];
            }
            y[i] = r.nextDouble() < LogisticRegression.sigmoid(z) ? 1 : 0;
        }
    }

    @Test
    void reachesTheStationaryPoint() {
        double lambda = 1e-2;
        LogisticRegression.Fit f = LogisticRegression.fit(x, y, lambda, null);
        int n = x.length;
        int d = x[0].length;
        double[] g = new double[d + 1];
        for (int i = 0; i < n; i++) {
            double r = f.probability(x[i]) - y[i];
            for (int k = 0; k < d; k++) {
                g[k] += r * x[i][k] / n;
            }
            g[d] += r / n;
        }
        for (int k = 0; k < d; k++) {
            g[k] += lambda * f.w()[k];
        }
        for (double v : g) {
            assertEquals(0, v, 1e-9);
        }
        assertTrue(f.iterations() < 20);
        // deterministic, and a warm start lands on the same optimum
        LogisticRegression.Fit again = LogisticRegression.fit(x, y, lambda, LogisticRegression.fit(x, y, 1, null));
        assertArrayEquals(f.w(), again.w(), 1e-9);
        assertArrayEquals(f.w(), LogisticRegression.fit(x, y, lambda, null).w(), 0.0);
    }

    @Test
    void softmaxFormMatchesSigmoid() {
        LogisticRegression.Fit f = LogisticRegression.fit(x, y, 1e-3, null);
        LinearHead.Weights w = LogisticRegression.toSoftmax(f);
        for (int i = 0; i < 20; i++) {
            double z0 = w.b()[0];
            double z1 = w.b()[1];
            for (int k = 0; k < x[i].length; k++) {
                z0 += x[i][k] * w.w()[k][0];
                z1 += x[i][k] * w.w()[k][1];
            }
            double pSoftmax = Math.exp(z1) / (Math.exp(z0) + Math.exp(z1));
            assertEquals(f.probability(x[i]), pSoftmax, 1e-12);
        }
    }
}
