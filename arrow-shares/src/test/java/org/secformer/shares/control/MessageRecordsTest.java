package org.secformer.shares.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MessageRecordsTest {

  private static void assertRefused(String expectedPart, Runnable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(e.getMessage().contains(expectedPart), () -> "\"" + e.getMessage() + "\" lacks \"" + expectedPart + "\"");
  }

  @Test
  void helloChecksRoleAndParty() {
    assertEquals(new Hello("p1", 1, 0, 1), Hello.of(Hello.P1, 0, 1));
    assertEquals(2, Hello.of(Hello.DEALER, 0, 1).partyId());
    assertEquals(Hello.NO_PARTY, Hello.of(Hello.CLIENT, 0, 1).partyId());
    assertRefused("got \"P0\"", () -> new Hello("P0", 0, 0, 1));
    assertRefused("got null", () -> new Hello(null, 0, 0, 1));
    assertRefused("role p1 has party id 1, got 0", () -> new Hello("p1", 0, 0, 1));
    assertRefused("role client has party id -1, got 2", () -> new Hello("client", 2, 0, 1));
    assertRefused("workerIndex must be >= 0, got -3", () -> new Hello("p0", 0, -3, 1));
    assertRefused("protocolVersion must be >= 1, got 0", () -> new Hello("p0", 0, 0, 0));
  }

  @Test
  void longBadValuesAreShortenedInMessages() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Hello("r".repeat(100_000), 0, 0, 1));
    assertTrue(e.getMessage().length() < 200, e.getMessage());
    assertTrue(e.getMessage().contains("100000 chars"), e.getMessage());
  }

  @Test
  void jobStartCopiesAndChecksOptions() {
    Map<String, String> options = new HashMap<>(Map.of("b", "2", "a", "1"));
    JobStart job = new JobStart("j", "m", 16, "matmul", options);
    options.put("c", "3");
    assertEquals(Map.of("a", "1", "b", "2"), job.options());
    assertEquals(List.of("a", "b"), List.copyOf(job.options().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> job.options().clear());

    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("seqLen", null);
    assertRefused("option \"seqLen\" has a null value", () -> new JobStart("j", "m", 16, "c", nullValue));
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "x");
    assertRefused("null key", () -> new JobStart("j", "m", 16, "c", nullKey));
    assertRefused("empty key", () -> new JobStart("j", "m", 16, "c", Map.of("", "x")));
    assertRefused("options is null", () -> new JobStart("j", "m", 16, "c", null));
    assertRefused("jobId is blank", () -> new JobStart(" ", "m", 16, "c", Map.of()));
    assertRefused("modelId is null", () -> new JobStart("j", null, 16, "c", Map.of()));
    assertRefused("computation is blank", () -> new JobStart("j", "m", 16, "", Map.of()));
    assertRefused("got 41", () -> new JobStart("j", "m", 41, "c", Map.of()));
    assertRefused("got -1", () -> new JobStart("j", "m", -1, "c", Map.of()));
  }

  @Test
  void batchHeaderComparesShapeByContentAndCopiesIt() {
    int[] shape = {128, 384};
    BatchHeader a = new BatchHeader("j", 5, 32, shape, 2);
    BatchHeader b = new BatchHeader("j", 5, 32, new int[] {128, 384}, 2);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals("BatchHeader[jobId=j, batchSeq=5, rows=32, rowShape=[128, 384], chunks=2]", a.toString());
    assertNotEquals(a, new BatchHeader("j", 5, 32, new int[] {384, 128}, 2));
    assertNotEquals(a, new BatchHeader("j", 5, 32, new int[] {128, 384}, 3));
    assertNotEquals(a, new BatchHeader("k", 5, 32, new int[] {128, 384}, 2));
    assertNotEquals(a, new BatchHeader("j", 6, 32, new int[] {128, 384}, 2));
    assertNotEquals(a, new BatchHeader("j", 5, 31, new int[] {128, 384}, 2));

    shape[0] = 1;
    assertEquals(128, a.rowShape()[0], "constructor must copy the shape");
    a.rowShape()[1] = 1;
    assertEquals(384, a.rowShape()[1], "accessor must return a copy");

    assertRefused("negative dimension in rowShape [4, -2]", () -> new BatchHeader("j", 0, 0, new int[] {4, -2}, 0));
    assertRefused("rowShape is null", () -> new BatchHeader("j", 0, 0, null, 0));
    assertRefused("batchSeq must be >= 0, got -1", () -> new BatchHeader("j", -1, 0, new int[0], 0));
    assertRefused("rows must be >= 0, got -1", () -> new BatchHeader("j", 0, -1, new int[0], 0));
    assertRefused("chunks must be >= 0, got -1", () -> new BatchHeader("j", 0, 0, new int[0], -1));
  }

  @Test
  void ackAndErrorMessageChecks() {
    assertRefused("jobId is null", () -> new Ack(null, 0));
    assertRefused("seq must be >= 0, got -5", () -> new Ack("j", -5));
    assertRefused("code is null", () -> new ErrorMessage("j", null, "m"));
    assertRefused("message is null", () -> new ErrorMessage("j", ErrorCode.TIMEOUT, null));
    assertRefused("jobId is blank", () -> new ErrorMessage("", ErrorCode.TIMEOUT, "m"));
  }

  @Test
  void errorCodesHaveDistinctStableWireNumbers() {
    Set<Integer> seen = new HashSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      assertTrue(seen.add(c.wireCode()), "wire code " + c.wireCode() + " used twice");
      assertEquals(c, ErrorCode.fromWireCode(c.wireCode()));
    }
    assertEquals(1, ErrorCode.BAD_REQUEST.wireCode());
    assertEquals(9, ErrorCode.INTERNAL.wireCode());
    assertRefused("unknown error code 0", () -> ErrorCode.fromWireCode(0));
  }

  @Test
  void everyPermittedMessageKindIsRegisteredOnce() {
    Set<Class<?>> registered = MessageKinds.ALL.stream().map(MessageKind::type).collect(Collectors.toSet());
    assertEquals(Set.of(ControlMessage.class.getPermittedSubclasses()), registered);
    assertEquals(MessageKinds.ALL.size(), registered.size());
  }

  @Test
  void registrationTableMistakesFailFast() {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> MessageKinds.check(MessageKinds.ALL.subList(0, 4)));
    assertTrue(missing.getMessage().contains("ErrorMessage"), missing.getMessage());

    MessageKind<?> first = MessageKinds.ALL.get(0);
    MessageKind<Ack> clash = new MessageKind<>(first.id(), Ack.class, (w, m) -> {}, r -> null);
    List<MessageKind<?>> withClash = new java.util.ArrayList<>(MessageKinds.ALL);
    withClash.add(clash);
    IllegalStateException twice = assertThrows(IllegalStateException.class, () -> MessageKinds.check(withClash));
    assertTrue(twice.getMessage().contains("id " + first.id() + " is registered twice"), twice.getMessage());

    MessageKind<Ack> low = new MessageKind<>(3, Ack.class, (w, m) -> {}, r -> null);
    IllegalStateException builtIn = assertThrows(IllegalStateException.class, () -> MessageKinds.check(List.of(low)));
    assertTrue(builtIn.getMessage().contains("id 3"), builtIn.getMessage());
    assertTrue(Arrays.stream(ControlMessage.class.getPermittedSubclasses()).allMatch(Class::isRecord));
  }
}
