package org.secformer.jobs.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The derived SpamAssassin dataset committed at {@code /data/spam-assassin.tsv.gz} (see the README.md beside it).
 *
 * <p>Split rule (fixed, no randomness): {@code bucket(id) = (first 4 bytes of SHA-256(UTF-8 id) as a big-endian
 * unsigned int) mod 100}. Buckets 0..69 are {@code train} (70%), 70..99 are {@code heldout} (30%). Inside train,
 * buckets 0..55 are the fitting part and 56..69 the validation part used for model selection (L2 strength, input
 * configuration). The file carries the split column as written by {@code derive.py}; {@link #load()} recomputes it and
 * refuses a file where they differ.
 */
public final class SpamDataset {

    /** Classpath location of the dataset. */
    public static final String RESOURCE = "/data/spam-assassin.tsv.gz";
    /** Buckets below this are train. */
    public static final int TRAIN_BUCKETS = 70;
    /** Train buckets at or above this (and below {@link #TRAIN_BUCKETS}) are the validation part of train. */
    public static final int VALIDATION_FROM_BUCKET = 56;

    /** Label names in class-index order: class 0 = ham, class 1 = spam. */
    public static final List<String> LABELS = List.of("ham", "spam");

    /** One email of the derived dataset. {@code label} is 0 (ham) or 1 (spam). */
    public record Email(String id, String group, int label, String subject, String body, int bucket) {
        public boolean isTrain() {
            return bucket < TRAIN_BUCKETS;
        }

        public boolean isValidation() {
            return bucket >= VALIDATION_FROM_BUCKET && bucket < TRAIN_BUCKETS;
        }

        public boolean isHeldOut() {
            return bucket >= TRAIN_BUCKETS;
        }

        public String labelName() {
            return LABELS.get(label);
        }
    }

    private final List<Email> all;
    private final String sha256;

    private SpamDataset(List<Email> all, String sha256) {
        this.all = Collections.unmodifiableList(all);
        this.sha256 = sha256;
    }

    /** Loads the committed dataset from the classpath, in file order (sorted by id). */
    public static SpamDataset load() {
        try (InputStream raw = SpamDataset.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("dataset resource missing: " + RESOURCE);
            }
            byte[] tsv;
            try (GZIPInputStream in = new GZIPInputStream(raw)) {
                tsv = in.readAllBytes();
            }
            return parse(tsv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SpamDataset parse(byte[] tsv) {
        String text = new String(tsv, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals("id\tgroup\tlabel\tsplit\tsubject\tbody")) {
            throw new IllegalStateException("unexpected header: " + lines[0]);
        }
        List<Email> out = new ArrayList<>(lines.length);
        Set<String> ids = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String[] f = lines[i].split("\t", -1);
            if (f.length != 6) {
                throw new IllegalStateException("line " + (i + 1) + ": " + f.length + " fields");
            }
            int label = LABELS.indexOf(f[2]);
            if (label < 0) {
                throw new IllegalStateException("line " + (i + 1) + ": bad label " + f[2]);
            }
            int bucket = bucket(f[0]);
            String split = bucket < TRAIN_BUCKETS ? "train" : "heldout";
            if (!split.equals(f[3])) {
                throw new IllegalStateException("line " + (i + 1) + ": split column " + f[3] + " but hash says " + split);
            }
            if (!ids.add(f[0])) {
                throw new IllegalStateException("duplicate id " + f[0]);
            }
            out.add(new Email(f[0], f[1], label, f[4], f[5], bucket));
        }
        return new SpamDataset(out, HexFormat.of().formatHex(sha256(tsv)));
    }

    /** The split bucket of an id, 0..99. */
    public static int bucket(String id) {
        byte[] h = sha256(id.getBytes(StandardCharsets.UTF_8));
        long v = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
        return (int) (v % 100);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All emails (each has a non-empty subject), sorted by id. */
    public List<Email> all() {
        return all;
    }

    public List<Email> train() {
        return all.stream().filter(Email::isTrain).toList();
    }

    /** The fitting part of train (buckets 0..55). */
    public List<Email> fit() {
        return all.stream().filter(e -> e.isTrain() && !e.isValidation()).toList();
    }

    /** The validation part of train (buckets 56..69). */
    public List<Email> validation() {
        return all.stream().filter(Email::isValidation).toList();
    }

    public List<Email> heldOut() {
        return all.stream().filter(Email::isHeldOut).toList();
    }

    /**
     * A fixed, group-stratified sample of about {@code n} held-out emails: every k-th held-out email in id order
     * (ids sort by group), k = heldOut / n. Used by the tests and recorded in the head file.
     */
    public List<Email> heldOutSample(int n) {
        List<Email> h = heldOut();
        int stride = Math.max(1, h.size() / n);
        List<Email> out = new ArrayList<>(n);
        for (int i = 0; i < h.size() && out.size() < n; i += stride) {
            out.add(h.get(i));
        }
        return out;
    }

    /** SHA-256 (hex) of the decompressed TSV bytes. */
    public String sha256() {
        return sha256;
    }
}
