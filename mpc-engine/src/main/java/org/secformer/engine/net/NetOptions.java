package org.secformer.engine.net;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the engine links, with their defaults in {@link #defaults()}.
 *
 * @param maxFrameBytes largest frame accepted or sent, length field included (default 64 MiB)
 * @param chunkBytes target size of one tensor frame; larger tensors go as TENSOR_CHUNK frames of about this
 *     size, which keeps memory per write bounded and lets back-pressure act between chunks (default 1 MiB,
 *     capped by maxFrameBytes)
 * @param maxMessageBytes largest tensor (all chunks) a receiver will assemble (default 1 GiB)
 * @param exchangeTimeout how long one exchange may take, send and receive together (default 60 s)
 * @param connectTimeout TCP connect plus TLS handshake plus link set-up (default 10 s)
 * @param writeLowWaterMark channel becomes writable again below this many queued bytes (default 1 MiB)
 * @param writeHighWaterMark channel becomes unwritable above this many queued bytes; senders wait (default
 *     4 MiB)
 * @param emulation emulated bandwidth and delay on the P0&lt;-&gt;P1 links, for demos and benchmarks (default
 *     {@link NetworkEmulation#NONE}); other links are never emulated
 */
public record NetOptions(
    int maxFrameBytes,
    int chunkBytes,
    long maxMessageBytes,
    Duration exchangeTimeout,
    Duration connectTimeout,
    int writeLowWaterMark,
    int writeHighWaterMark,
    NetworkEmulation emulation) {
  /** The smallest frame limit that still leaves room for headers and a few elements. */
  public static final int MIN_FRAME_BYTES = 1024;

  public NetOptions {
    Objects.requireNonNull(exchangeTimeout, "exchangeTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(emulation, "emulation");
    if (maxFrameBytes < MIN_FRAME_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes must be >= " + MIN_FRAME_BYTES + ", got " + maxFrameBytes);
    }
    if (chunkBytes < MIN_FRAME_BYTES) {
      throw new IllegalArgumentException("chunkBytes must be >= " + MIN_FRAME_BYTES + ", got " + chunkBytes);
    }
    if (maxMessageBytes < 8) {
      throw new IllegalArgumentException("maxMessageBytes must be >= 8, got " + maxMessageBytes);
    }
    if (exchangeTimeout.isNegative() || exchangeTimeout.isZero()) {
      throw new IllegalArgumentException("exchangeTimeout must be positive, got " + exchangeTimeout);
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
    }
    if (writeLowWaterMark <= 0 || writeHighWaterMark < writeLowWaterMark) {
      throw new IllegalArgumentException(
          "need 0 < writeLowWaterMark <= writeHighWaterMark, got " + writeLowWaterMark + ", " + writeHighWaterMark);
    }
  }

  /** Without network emulation. */
  public NetOptions(int maxFrameBytes, int chunkBytes, long maxMessageBytes, Duration exchangeTimeout,
      Duration connectTimeout, int writeLowWaterMark, int writeHighWaterMark) {
    this(maxFrameBytes, chunkBytes, maxMessageBytes, exchangeTimeout, connectTimeout, writeLowWaterMark,
        writeHighWaterMark, NetworkEmulation.NONE);
  }

  public static NetOptions defaults() {
    return new NetOptions(
        Wire.DEFAULT_MAX_FRAME_BYTES,
        1 << 20,
        1L << 30,
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        1 << 20,
        4 << 20);
  }

  /** The bytes one tensor frame may take: the smaller of chunkBytes and maxFrameBytes. */
  public int frameBudget() {
    return Math.min(chunkBytes, maxFrameBytes);
  }

  public NetOptions withMaxFrameBytes(int v) {
    return new NetOptions(v, chunkBytes, maxMessageBytes, exchangeTimeout, connectTimeout, writeLowWaterMark,
        writeHighWaterMark, emulation);
  }

  public NetOptions withChunkBytes(int v) {
    return new NetOptions(maxFrameBytes, v, maxMessageBytes, exchangeTimeout, connectTimeout, writeLowWaterMark,
        writeHighWaterMark, emulation);
  }

  public NetOptions withMaxMessageBytes(long v) {
    return new NetOptions(maxFrameBytes, chunkBytes, v, exchangeTimeout, connectTimeout, writeLowWaterMark,
        writeHighWaterMark, emulation);
  }

  public NetOptions withExchangeTimeout(Duration v) {
    return new NetOptions(maxFrameBytes, chunkBytes, maxMessageBytes, v, connectTimeout, writeLowWaterMark,
        writeHighWaterMark, emulation);
  }

  public NetOptions withConnectTimeout(Duration v) {
    return new NetOptions(maxFrameBytes, chunkBytes, maxMessageBytes, exchangeTimeout, v, writeLowWaterMark,
        writeHighWaterMark, emulation);
  }

  public NetOptions withWriteWaterMarks(int low, int high) {
    return new NetOptions(maxFrameBytes, chunkBytes, maxMessageBytes, exchangeTimeout, connectTimeout, low, high,
        emulation);
  }

  public NetOptions withEmulation(NetworkEmulation v) {
    return new NetOptions(maxFrameBytes, chunkBytes, maxMessageBytes, exchangeTimeout, connectTimeout,
        writeLowWaterMark, writeHighWaterMark, v);
  }
}
