package org.secformer.engine.net;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * An emulated network between P0 and P1 for demos and benchmarks: each party's outbound peer traffic is
 * limited to {@code bitsPerSecond} (Netty's traffic shaping) and then held for {@code oneWayDelay} before
 * it reaches the socket ({@link DelayLine}). Loopback sockets have neither limit, so figures measured on
 * one machine say nothing about a deployment until run under the network it will have. {@link #NONE}
 * (the default) adds nothing.
 *
 * @param bitsPerSecond outbound rate per party; 0 means unlimited
 * @param oneWayDelay added to every message; zero means none
 */
public record NetworkEmulation(long bitsPerSecond, Duration oneWayDelay) {
  /** No emulation: the real link as it is. */
  public static final NetworkEmulation NONE = new NetworkEmulation(0, Duration.ZERO);
  /** A data-centre LAN: 10 Gbps, 0.1 ms one way. */
  public static final NetworkEmulation LAN = new NetworkEmulation(10_000_000_000L, Duration.ofNanos(100_000));
  /** A WAN between sites: 1 Gbps, 20 ms one way. */
  public static final NetworkEmulation WAN = new NetworkEmulation(1_000_000_000L, Duration.ofMillis(20));

  public NetworkEmulation {
    Objects.requireNonNull(oneWayDelay, "oneWayDelay");
    if (bitsPerSecond < 0) {
      throw new IllegalArgumentException("emulated bandwidth must be >= 0 bits/s (0 = unlimited), got " + bitsPerSecond);
    }
    if (bitsPerSecond > 0 && bitsPerSecond < 8) {
      throw new IllegalArgumentException("emulated bandwidth must be at least 8 bits/s, got " + bitsPerSecond);
    }
    if (oneWayDelay.isNegative()) {
      throw new IllegalArgumentException("emulated one-way delay must not be negative, got " + oneWayDelay);
    }
    if (oneWayDelay.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("emulated one-way delay must be at most 10 s, got " + oneWayDelay);
    }
  }

  /** {@code none}, {@code lan} or {@code wan} (any case). */
  public static NetworkEmulation preset(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "none", "off" -> NONE;
      case "lan" -> LAN;
      case "wan" -> WAN;
      default -> throw new IllegalArgumentException("unknown network emulation '" + name + "'; use none, lan or wan");
    };
  }

  /** Whether any limit or delay is set. */
  public boolean enabled() {
    return bitsPerSecond > 0 || !oneWayDelay.isZero();
  }

  /** The write limit of the traffic shaper, bytes per second (0 = unlimited). */
  public long bytesPerSecond() {
    return bitsPerSecond / 8;
  }

  public NetworkEmulation withBitsPerSecond(long v) {
    return new NetworkEmulation(v, oneWayDelay);
  }

  public NetworkEmulation withOneWayDelay(Duration v) {
    return new NetworkEmulation(bitsPerSecond, v);
  }

  /** E.g. {@code 1 Gbps, 20 ms one way}, {@code none}. */
  @Override
  public String toString() {
    if (!enabled()) {
      return "none";
    }
    String rate = bitsPerSecond == 0 ? "unlimited bandwidth"
        : bitsPerSecond % 1_000_000_000L == 0 ? bitsPerSecond / 1_000_000_000L + " Gbps"
        : bitsPerSecond % 1_000_000L == 0 ? bitsPerSecond / 1_000_000L + " Mbps"
        : bitsPerSecond + " bit/s";
    return String.format(Locale.ROOT, "%s, %s ms one way", rate,
        new java.math.BigDecimal(oneWayDelay.toNanos()).movePointLeft(6).stripTrailingZeros().toPlainString());
  }
}
