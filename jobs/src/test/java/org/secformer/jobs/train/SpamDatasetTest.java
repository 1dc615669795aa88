package org.secformer.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SpamDatasetTest {

    static SpamDataset ds;

    @BeforeAll
    static void load() {
        ds = SpamDataset.load();
    }

    @Test
    void documentedSizes() {
        assertEquals(6027, ds.all().size());
        assertEquals(1883, ds.all().stream().filter(e -> e.label() == 1).count());
        assertEquals(4262, ds.train().size());
        assertEquals(3427, ds.fit().size());
        assertEquals(835, ds.validation().size());
        assertEquals(1765, ds.heldOut().size());
        assertEquals(558, ds.heldOut().stream().filter(e -> e.label() == 1).count());
    }

    @Test
    void splitsAreDisjointAndCoverEverything() {
        Set<String> train = new HashSet<>();
        ds.train().forEach(e -> train.add(e.id()));
        assertEquals(ds.train().size(), train.size(), "ids unique in train");
        for (SpamDataset.Email e : ds.heldOut()) {
            assertFalse(train.contains(e.id()), "id in both splits: " + e.id());
        }
        Set<String> fit = new HashSet<>();
        ds.fit().forEach(e -> fit.add(e.id()));
        for (SpamDataset.Email e : ds.validation()) {
            assertFalse(fit.contains(e.id()));
            assertTrue(train.contains(e.id()));
        }
        assertEquals(ds.all().size(), ds.train().size() + ds.heldOut().size());
    }

    @Test
    void fieldsAreClean() {
        Set<String> groups = Set.of("easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2");
        for (SpamDataset.Email e : ds.all()) {
            assertTrue(groups.contains(e.group()), e.id());
            assertTrue(e.id().startsWith(e.group() + "/"), e.id());
            assertEquals(e.group().startsWith("spam") ? 1 : 0, e.label(), e.id());
            assertFalse(e.subject().isBlank(), e.id());
            assertTrue(e.body().length() <= 400, e.id());
            assertFalse(e.subject().contains("\t") || e.subject().contains("\n") || e.body().contains("\n"));
        }
    }

    @Test
    void bucketRuleIsTheDocumentedHash() {
        // SHA-256("easy-ham-1/00001") starts 4f4a8502 = 1330283778; mod 100 = 78 (held-out)
        assertEquals(78, SpamDataset.bucket("easy-ham-1/00001"));
        assertEquals("easy-ham-1/00001", ds.all().get(0).id());
        assertTrue(ds.all().get(0).isHeldOut());
        List<SpamDataset.Email> sample = ds.heldOutSample(200);
        assertEquals(200, sample.size());
        assertTrue(sample.stream().allMatch(SpamDataset.Email::isHeldOut));
    }

    @Test
    void headRecordsThisDataset() {
        LinearHead head = LinearHead.loadDefault();
        assertEquals(ds.sha256(), head.json().getAsJsonObject("training").get("datasetSha256").getAsString());
        assertEquals(ds.heldOut().size(), head.json().getAsJsonObject("training").get("heldOutSize").getAsInt());
    }
}
