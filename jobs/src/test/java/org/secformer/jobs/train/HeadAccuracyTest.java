package org.secformer.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed head, applied to fresh ORT embeddings of a fixed held-out sample, reproduces its recorded numbers. */
class HeadAccuracyTest {

    @Test
    void reproducesRecordedHeldOutAccuracyOnSample() {
        LinearHead head = LinearHead.loadDefault();
        InputSpec spec = head.input();
        JsonObject rec = head.json().getAsJsonObject("heldOutSample");
        SpamDataset ds = SpamDataset.load();
        List<SpamDataset.Email> sample = ds.heldOutSample(rec.get("n").getAsInt());
        assertEquals(rec.get("n").getAsInt(), sample.size());

        try (MiniLmEmbedder embedder = new MiniLmEmbedder(2)) {
            long t0 = System.nanoTime();
            float[][] emb = embedder.embed(sample.stream().map(spec::text).toList(), spec.maxLength());
            System.out.printf("embedded %d texts (%s) in %.1f s%n", sample.size(), spec, (System.nanoTime() - t0) / 1e9);

            int correct = 0;
            for (int i = 0; i < sample.size(); i++) {
                float[] e = emb[i];
                double norm = 0;
                for (float v : e) {
                    norm += v * v;
                }
                assertEquals(1.0, norm, 1e-5, "embedding is L2-normalised");
                if (head.predict(e) == sample.get(i).label()) {
                    correct++;
                }
            }
            double acc = correct / (double) sample.size();
            double recordedHeldOut = head.json().getAsJsonObject("metrics").get("heldOutAccuracy").getAsDouble();
            System.out.printf("sample accuracy %.4f, recorded sample %.4f, recorded held-out %.4f%n", acc,
                    rec.get("accuracy").getAsDouble(), recordedHeldOut);
            assertEquals(recordedHeldOut, acc, 0.03, "sample accuracy within 3 points of the held-out accuracy");
            // at most one prediction may flip from float noise across machines
            assertEquals(rec.get("accuracy").getAsDouble(), acc, 1.0 / sample.size() + 1e-9);

            // reference rows: same tokens, same probability
            for (JsonElement el : rec.getAsJsonArray("reference")) {
                JsonObject r = el.getAsJsonObject();
                int i = indexOf(sample, r.get("id").getAsString());
                assertTrue(i >= 0, r.get("id").getAsString());
                assertEquals(spec.text(sample.get(i)), r.get("text").getAsString());
                long[] ids = embedder.tokenIds(r.get("text").getAsString(), spec.maxLength());
                long[] want = new long[r.getAsJsonArray("tokenIds").size()];
                for (int k = 0; k < want.length; k++) {
                    want[k] = r.getAsJsonArray("tokenIds").get(k).getAsLong();
                }
                assertArrayEquals(want, ids);
                assertEquals(101, ids[0]);
                assertEquals(102, ids[ids.length - 1]);
                assertTrue(ids.length <= spec.maxLength());
                assertEquals(r.get("pSpam").getAsDouble(), head.probabilities(emb[i])[1], 1e-3);
            }
        }
    }

    @Test
    void batchingDoesNotChangeEmbeddings() {
        try (MiniLmEmbedder embedder = new MiniLmEmbedder(2)) {
            List<String> texts = List.of("Hello world, unbelievably good!", "FREE money!!! click here now",
                    "Re: [ILUG] kernel 2.4.19 problems");
            float[][] together = embedder.embed(texts, 32);
            assertArrayEquals(new long[] {101, 7592, 2088, 1010, 4895, 8671, 2666, 3567, 6321, 2204, 999, 102},
                    embedder.tokenIds(texts.get(0), 32));
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = embedder.embed(List.of(texts.get(i)), 32)[0];
                assertArrayEquals(alone, together[i], 1e-5f);
            }
        }
    }

    private static int indexOf(List<SpamDataset.Email> l, String id) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}
