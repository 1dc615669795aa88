package org.secformer.jobs.train;

/**
 * L2-regularised binary logistic regression, fitted by damped Newton (IRLS) with a backtracking line search on
 * the full batch; no randomness, so a fit is a deterministic function of its inputs.
 *
 * <p>Objective: {@code (1/n) sum_i log(1 + exp(-s_i (x_i.w + c))) + (lambda/2)|w|^2} with {@code s_i = +1} for
 * class 1 and -1 for class 0; the bias {@code c} is not penalised. It is the same optimum as a 2-class softmax
 * head {@code logits = x W + b} with penalty {@code (lambda/4)|W|^2}: {@code W[:,1] = w/2, W[:,0] = -w/2,
 * b = (-c/2, c/2)} (see {@link #toSoftmax}).
 */
public final class LogisticRegression {

    /** A fitted model: weights, bias and the number of Newton steps taken. */
    public record Fit(double[] w, double c, int iterations, double objective) {
        public double margin(double[] x) {
            double z = c;
            for (int d = 0; d < w.length; d++) {
                z += x[d] * w[d];
            }
            return z;
        }

        public double probability(double[] x) {
            return sigmoid(margin(x));
        }
    }

    private LogisticRegression() {
    }

    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** log(1 + exp(z)) without overflow. */
    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    static double objective(double[][] x, int[] y, double lambda, double[] w, double c) {
        int n = x.length;
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double z = c;
            double[] xi = x[i];
            for (int d = 0; d < w.length; d++) {
                z += xi[d] * w[d];
            }
            loss += softplus(y[i] == 1 ? -z : z);
        }
        double reg = 0;
        for (double v : w) {
            reg += v * v;
        }
        return loss / n + 0.5 * lambda * reg;
    }

    /** Mean log loss (no penalty) of a fit on a data set. */
    public static double logLoss(Fit f, double[][] x, int[] y) {
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            double z = f.margin(x[i]);
            loss += softplus(y[i] == 1 ? -z : z);
        }
        return loss / x.length;
    }

    /**
     * Fits the model.
     *
     * @param x features [n][d]
     * @param y labels 0/1
     * @param lambda L2 strength (> 0)
     * @param start warm start (may be null)
     */
    public static Fit fit(double[][] x, int[] y, double lambda, Fit start) {
        int n = x.length;
        int d = x[0].length;
        int p = d + 1; // last coordinate = bias
        double[] theta = new double[p];
        if (start != null) {
            System.arraycopy(start.w(), 0, theta, 0, d);
            theta[d] = start.c();
        }
        double[] w = new double[d];
        double obj;
        int it;
        for (it = 0; it < 50; it++) {
            System.arraycopy(theta, 0, w, 0, d);
            double c = theta[d];
            obj = objective(x, y, lambda, w, c);
            double[] g = new double[p];
            double[][] hess = new double[p][p];
            double[] xa = new double[p];
            for (int i = 0; i < n; i++) {
                double[] xi = x[i];
                double z = c;
                for (int k = 0; k < d; k++) {
                    z += xi[k] * w[k];
                }
                double pr = sigmoid(z);
                double r = pr - y[i];
                double s = pr * (1 - pr);
                System.arraycopy(xi, 0, xa, 0, d);
                xa[d] = 1;
                for (int a = 0; a < p; a++) {
                    double va = xa[a];
                    g[a] += r * va;
                    double sva = s * va;
                    double[] ha = hess[a];
                    for (int bb = 0; bb <= a; bb++) {
                        ha[bb] += sva * xa[bb];
                    }
                }
            }
            double gmax = 0;
            for (int a = 0; a < p; a++) {
                g[a] /= n;
                if (a < d) {
                    g[a] += lambda * w[a];
                }
                for (int bb = 0; bb <= a; bb++) {
                    hess[a][bb] /= n;
                }
                hess[a][a] += a < d ? lambda : 1e-12;
                gmax = Math.max(gmax, Math.abs(g[a]));
            }
            if (gmax < 1e-10) {
                break;
            }
            double[] step = choleskySolve(hess, g);
            double dec = 0; // squared Newton decrement g' H^-1 g (twice the predicted decrease)
            for (int a = 0; a < p; a++) {
                dec += g[a] * step[a];
            }
            if (dec < 1e-16) {
                break;
            }
            // backtracking line search on theta - t * step
            double t = 1;
            double[] cand = new double[p];
            double candObj;
            while (true) {
                for (int a = 0; a < p; a++) {
                    cand[a] = theta[a] - t * step[a];
                }
                candObj = objective(x, y, lambda, java.util.Arrays.copyOf(cand, d), cand[d]);
                if (candObj <= obj - 1e-4 * t * dec || t < 1e-8) {
                    break;
                }
                t *= 0.5;
            }
            theta = cand;
        }
        double[] wf = java.util.Arrays.copyOf(theta, d);
        return new Fit(wf, theta[d], it, objective(x, y, lambda, wf, theta[d]));
    }

    /** Solves H s = g for symmetric positive definite H given by its lower triangle. */
    static double[] choleskySolve(double[][] h, double[] g) {
        int p = g.length;
        double[][] l = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double s = h[i][j];
                double[] li = l[i];
                double[] lj = l[j];
                for (int k = 0; k < j; k++) {
                    s -= li[k] * lj[k];
                }
                if (i == j) {
                    li[i] = Math.sqrt(Math.max(s, 1e-300));
                } else {
                    li[j] = s / lj[j];
                }
            }
        }
        double[] z = new double[p];
        for (int i = 0; i < p; i++) {
            double s = g[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        double[] x = new double[p];
        for (int i = p - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < p; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** The equivalent 2-class softmax head: W [d][2] (column 0 = class 0), b [2]. */
    public static LinearHead.Weights toSoftmax(Fit f) {
        int d = f.w().length;
        double[][] w = new double[d][2];
        for (int k = 0; k < d; k++) {
            w[k][0] = -f.w()[k] / 2;
            w[k][1] = f.w()[k] / 2;
        }
        return new LinearHead.Weights(w, new double[] {-f.c() / 2, f.c() / 2});
    }
}
