package org.secformer.jobs.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A linear classifier head over a sentence embedding: {@code logits = e . W + b}, {@code W [dim][classes]}, read from
 * a JSON file such as {@code /models/minilm-spam-head.json} (format {@value #FORMAT}; field reference in the
 * README.md beside the dataset and in {@link TrainHead}).
 */
public final class LinearHead {

    public static final String FORMAT = "secformer-linear-head/1";
    /** Classpath location of the committed MiniLM spam head. */
    public static final String DEFAULT_RESOURCE = "/models/minilm-spam-head.json";

    /** Weights: {@code w[dim][classes]}, {@code b[classes]}. */
    public record Weights(double[][] w, double[] b) {
        public int dim() {
            return w.length;
        }

        public int classes() {
            return b.length;
        }
    }

    private final JsonObject json;
    private final Weights weights;
    private final List<String> labels;
    private final InputSpec input;

    private LinearHead(JsonObject json) {
        this.json = json;
        if (!FORMAT.equals(json.get("format").getAsString())) {
            throw new IllegalArgumentException("unsupported head format " + json.get("format"));
        }
        List<String> l = new ArrayList<>();
        json.getAsJsonArray("labels").forEach(e -> l.add(e.getAsString()));
        this.labels = List.copyOf(l);
        JsonObject in = json.getAsJsonObject("input");
        this.input = new InputSpec(in.get("textField").getAsString(), in.get("maxLength").getAsInt());
        int dim = json.get("dim").getAsInt();
        JsonArray wj = json.getAsJsonArray("W");
        JsonArray bj = json.getAsJsonArray("b");
        if (wj.size() != dim || bj.size() != labels.size()) {
            throw new IllegalArgumentException("W has " + wj.size() + " rows for dim " + dim + ", b has " + bj.size()
                    + " entries for " + labels.size() + " labels");
        }
        double[][] w = new double[dim][];
        for (int d = 0; d < dim; d++) {
            JsonArray row = wj.get(d).getAsJsonArray();
            if (row.size() != labels.size()) {
                throw new IllegalArgumentException("W row " + d + " has " + row.size() + " entries");
            }
            w[d] = new double[row.size()];
            for (int k = 0; k < row.size(); k++) {
                w[d][k] = finite(row.get(k).getAsDouble());
            }
        }
        double[] b = new double[bj.size()];
        for (int k = 0; k < b.length; k++) {
            b[k] = finite(bj.get(k).getAsDouble());
        }
        this.weights = new Weights(w, b);
    }

    private static double finite(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("non-finite weight");
        }
        return v;
    }

    public static LinearHead parse(String jsonText) {
        return new LinearHead(JsonParser.parseString(jsonText).getAsJsonObject());
    }

    /** Loads a head from the classpath. */
    public static LinearHead fromResource(String resource) {
        try (InputStream in = LinearHead.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("head resource missing: " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The committed MiniLM spam head. */
    public static LinearHead loadDefault() {
        return fromResource(DEFAULT_RESOURCE);
    }

    public JsonObject json() {
        return json;
    }

    public Weights weights() {
        return weights;
    }

    public List<String> labels() {
        return labels;
    }

    public InputSpec input() {
        return input;
    }

    public String pooling() {
        return json.get("pooling").getAsString();
    }

    public String normalization() {
        return json.get("normalization").getAsString();
    }

    /** {@code e . W + b}. */
    public double[] logits(float[] e) {
        double[][] w = weights.w();
        if (e.length != w.length) {
            throw new IllegalArgumentException("embedding dim " + e.length + " != " + w.length);
        }
        double[] z = weights.b().clone();
        for (int d = 0; d < w.length; d++) {
            for (int k = 0; k < z.length; k++) {
                z[k] += e[d] * w[d][k];
            }
        }
        return z;
    }

    /** Index of the largest logit (ties: lowest index). */
    public int predict(float[] e) {
        double[] z = logits(e);
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Softmax probabilities. */
    public double[] probabilities(float[] e) {
        double[] z = logits(e);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= sum;
        }
        return z;
    }

    /**
     * Serialises a head JSON object: objects indented, arrays of numbers/strings on one line (so W is one row per
     * line).
     */
    public static String toJsonText(JsonObject o) {
        StringBuilder sb = new StringBuilder();
        write(sb, o, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, JsonElement e, int indent) {
        if (e.isJsonObject()) {
            sb.append("{\n");
            int i = 0;
            int n = e.getAsJsonObject().size();
            for (Map.Entry<String, JsonElement> kv : e.getAsJsonObject().entrySet()) {
                sb.append("  ".repeat(indent + 1)).append(new com.google.gson.JsonPrimitive(kv.getKey())).append(": ");
                write(sb, kv.getValue(), indent + 1);
                sb.append(++i < n ? ",\n" : "\n");
            }
            sb.append("  ".repeat(indent)).append('}');
        } else if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            boolean flat = true;
            for (JsonElement x : a) {
                flat &= x.isJsonPrimitive() || x.isJsonNull();
            }
            if (flat) {
                sb.append('[');
                for (int i = 0; i < a.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(a.get(i));
                }
                sb.append(']');
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < a.size(); i++) {
                sb.append("  ".repeat(indent + 1));
                write(sb, a.get(i), indent + 1);
                sb.append(i + 1 < a.size() ? ",\n" : "\n");
            }
            sb.append("  ".repeat(indent)).append(']');
        } else {
            sb.append(e);
        }
    }
}
