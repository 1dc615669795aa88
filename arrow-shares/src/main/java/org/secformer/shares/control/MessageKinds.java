package org.secformer.shares.control;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one place where control message kinds are registered. Ids are Kryo registration ids and part
 * of the wire format: never renumber or reuse one. They start at {@link #FIRST_ID} to stay clear of
 * the ids Kryo gives its built-in types (0 to 9 in Kryo 5), which the codec refuses on the wire.
 */
final class MessageKinds {
  static final int FIRST_ID = 16;

  static final List<MessageKind<?>> ALL = List.of(
      new MessageKind<>(16, Hello.class,
          (w, m) -> {
            w.string("role", m.role());
            w.int32(m.partyId());
            w.int32(m.workerIndex());
            w.int32(m.protocolVersion());
          },
          r -> new Hello(
              r.string("role"), r.int32("partyId"), r.int32("workerIndex"), r.int32("protocolVersion"))),
      new MessageKind<>(17, JobStart.class,
          (w, m) -> {
            w.string("jobId", m.jobId());
            w.string("modelId", m.modelId());
            w.int32(m.fracBits());
            w.string("computation", m.computation());
            w.stringMap("options", m.options());
          },
          r -> new JobStart(r.string("jobId"), r.string("modelId"), r.int32("fracBits"),
              r.string("computation"), r.stringMap("options"))),
      new MessageKind<>(18, BatchHeader.class,
          (w, m) -> {
            w.string("jobId", m.jobId());
            w.int64(m.batchSeq());
            w.int32(m.rows());
            w.intArray("rowShape", m.rowShape());
            w.int32(m.chunks());
          },
          r -> new BatchHeader(r.string("jobId"), r.int64("batchSeq"), r.int32("rows"),
              r.intArray("rowShape"), r.int32("chunks"))),
      new MessageKind<>(19, Ack.class,
          (w, m) -> {
            w.string("jobId", m.jobId());
            w.int64(m.seq());
          },
          r -> new Ack(r.string("jobId"), r.int64("seq"))),
      new MessageKind<>(20, ErrorMessage.class,
          (w, m) -> {
            w.nullableString("jobId", m.jobId());
            w.int32(m.code().wireCode());
            w.string("message", m.message());
          },
          r -> new ErrorMessage(r.nullableString("jobId"),
              ErrorCode.fromWireCode(r.int32("code")), r.string("message"))),
      new MessageKind<>(21, JobEnd.class,
          (w, m) -> w.string("jobId", m.jobId()),
          r -> new JobEnd(r.string("jobId"))),
      new MessageKind<>(22, JobReport.class,
          (w, m) -> {
            w.string("jobId", m.jobId());
            w.int32(m.partyId());
            w.int64(m.batches());
            w.int64(m.rows());
            w.int64(m.rounds());
            w.int64(m.bytesSent());
            w.int64(m.bytesReceived());
            w.int64(m.dealerBytes());
            w.int64(m.secureNanos());
            w.int64(m.wallNanos());
            w.stringMap("perProtocol", m.perProtocol());
          },
          r -> new JobReport(r.string("jobId"), r.int32("partyId"), r.int64("batches"),
              r.int64("rows"), r.int64("rounds"), r.int64("bytesSent"), r.int64("bytesReceived"),
              r.int64("dealerBytes"), r.int64("secureNanos"), r.int64("wallNanos"),
              r.stringMap("perProtocol"))),
      new MessageKind<>(23, SeedRequest.class,
          (w, m) -> w.string("jobId", m.jobId()),
          r -> new SeedRequest(r.string("jobId"))),
      new MessageKind<>(24, SeedGrant.class,
          (w, m) -> {
            w.string("jobId", m.jobId());
            w.int64(m.seedHigh());
            w.int64(m.seedLow());
          },
          r -> new SeedGrant(r.string("jobId"), r.int64("seedHigh"), r.int64("seedLow"))),
      new MessageKind<>(25, CorrelationAsk.class,
          (w, m) -> {
            w.string("jobId", m.jobId());
            w.int64(m.seq());
            w.string("kind", m.kind());
            w.intArray("dims", m.dims());
            w.string("key", m.key());
          },
          r -> new CorrelationAsk(r.string("jobId"), r.int64("seq"), r.string("kind"),
              r.intArray("dims"), r.string("key"))));

  static {
    check(ALL);
  }

  private MessageKinds() {}

  /** Fails at class load if a kind is forgotten or an id is taken twice, not on the first frame. */
  static void check(List<MessageKind<?>> kinds) {
    Set<Integer> ids = new HashSet<>();
    Set<Class<?>> types = new HashSet<>();
    for (MessageKind<?> k : kinds) {
      if (k.id() < FIRST_ID) {
        throw new IllegalStateException(k.type().getSimpleName() + " has id " + k.id()
            + ", ids below " + FIRST_ID + " collide with Kryo's built-in registrations");
      }
      if (!ids.add(k.id())) {
        throw new IllegalStateException("message id " + k.id() + " is registered twice");
      }
      if (!types.add(k.type())) {
        throw new IllegalStateException(k.type().getSimpleName() + " is registered twice");
      }
    }
    Set<Class<?>> permitted = Arrays.stream(ControlMessage.class.getPermittedSubclasses())
        .collect(Collectors.toSet());
    if (!types.equals(permitted)) {
      Set<Class<?>> missing = new HashSet<>(permitted);
      missing.removeAll(types);
      throw new IllegalStateException("ControlMessage kinds without a registration: "
          + missing.stream().map(Class::getSimpleName).sorted().toList());
    }
  }
}
