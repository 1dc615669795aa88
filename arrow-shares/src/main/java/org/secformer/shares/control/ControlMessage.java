package org.secformer.shares.control;

/**
 * A control message exchanged between Spark executors (data owner, result receiver), the computing
 * parties P0/P1 and the dealer P2. Encoded by {@link ControlCodec}.
 *
 * <p>To add a message kind: write its record, list it here, and register it with its wire id and
 * field codec in {@link MessageKinds} (the codec refuses to start if a permitted kind is missing).
 */
public sealed interface ControlMessage permits Hello, JobStart, BatchHeader, Ack, ErrorMessage, JobEnd, JobReport, SeedRequest,
        SeedGrant, CorrelationAsk {}
