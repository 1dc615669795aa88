package org.secformer.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearHeadTest {

    @Test
    void committedHeadParsesWithTheRightShapes() {
        LinearHead head = LinearHead.loadDefault();
        JsonObject j = head.json();
        assertEquals(LinearHead.FORMAT, j.get("format").getAsString());
        assertEquals(List.of("ham", "spam"), head.labels());
        assertEquals(384, head.weights().dim());
        assertEquals(2, head.weights().classes());
        for (double[] row : head.weights().w()) {
            assertEquals(2, row.length);
        }
        assertEquals("mean", head.pooling());
        assertEquals("l2", head.normalization());
        InputSpec in = head.input();
        assertTrue(in.field().equals(InputSpec.SUBJECT) || in.field().equals(InputSpec.SUBJECT_BODY));
        assertTrue(in.maxLength() == 32 || in.maxLength() == 64);
        assertEquals(MiniLmEmbedder.ONNX_RESOURCE, j.getAsJsonObject("encoder").get("onnxResource").getAsString());
        double acc = j.getAsJsonObject("metrics").get("heldOutAccuracy").getAsDouble();
        double majority = j.getAsJsonObject("metrics").get("heldOutMajorityBaseline").getAsDouble();
        assertTrue(acc > majority + 0.15, "head should beat the majority baseline clearly: " + acc + " vs " + majority);
        assertEquals(2, j.getAsJsonArray("candidates").size());
    }

    @Test
    void roundTripsThroughTheWriter() {
        LinearHead head = LinearHead.loadDefault();
        LinearHead again = LinearHead.parse(LinearHead.toJsonText(head.json()));
        for (int d = 0; d < head.weights().dim(); d++) {
            assertArrayEquals(head.weights().w()[d], again.weights().w()[d], 0.0);
        }
        assertArrayEquals(head.weights().b(), again.weights().b(), 0.0);
    }

    @Test
    void logitsAreAffine() {
        LinearHead head = LinearHead.loadDefault();
        float[] zero = new float[384];
        assertArrayEquals(head.weights().b(), head.logits(zero), 0.0);
        float[] e = new float[384];
        e[7] = 1;
        double[] z = head.logits(e);
        assertEquals(head.weights().b()[1] + head.weights().w()[7][1], z[1], 1e-12);
        double[] p = head.probabilities(e);
        assertEquals(1.0, p[0] + p[1], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> head.logits(new float[10]));
    }

    @Test
    void rejectsBadShapes() {
        String bad = "{\"format\":\"" + LinearHead.FORMAT + "\",\"labels\":[\"ham\",\"spam\"],"
                + "\"input\":{\"textField\":\"subject\",\"maxLength\":32},\"dim\":2,\"b\":[0,0],\"W\":[[1,2],[3]]}";
        assertThrows(IllegalArgumentException.class, () -> LinearHead.parse(bad));
    }
}
