package org.secformer.shares.control;

import java.util.Map;

/**
 * First message on every connection: who is speaking.
 *
 * @param role one of {@link #P0}, {@link #P1}, {@link #DEALER}, {@link #CLIENT}
 * @param partyId 0, 1 or 2 for P0, P1 and the dealer; {@link #NO_PARTY} for a client, which is not
 *     an MPC party. Redundant with the role on purpose: a peer that mixes them up is misconfigured.
 * @param workerIndex index of the sending worker within its party's cluster (or executor)
 * @param protocolVersion the sender's protocol version, at least 1
 */
public record Hello(String role, int partyId, int workerIndex, int protocolVersion)
    implements ControlMessage {
  public static final String P0 = "p0";
  public static final String P1 = "p1";
  public static final String DEALER = "dealer";
  public static final String CLIENT = "client";
  public static final int NO_PARTY = -1;

  private static final Map<String, Integer> PARTY_OF_ROLE =
      Map.of(P0, 0, P1, 1, DEALER, 2, CLIENT, NO_PARTY);

  public Hello {
    Integer expectedParty = role == null ? null : PARTY_OF_ROLE.get(role);
    if (expectedParty == null) {
      throw new IllegalArgumentException(
          "role must be one of p0, p1, dealer, client, got " + Checks.show(role));
    }
    if (partyId != expectedParty) {
      throw new IllegalArgumentException(
          "role " + role + " has party id " + expectedParty + ", got " + partyId);
    }
    Checks.requireNonNegative("workerIndex", workerIndex);
    if (protocolVersion < 1) {
      throw new IllegalArgumentException("protocolVersion must be >= 1, got " + protocolVersion);
    }
  }

  /** The Hello a party or client sends, with the party id its role implies. */
  public static Hello of(String role, int workerIndex, int protocolVersion) {
    Integer party = role == null ? null : PARTY_OF_ROLE.get(role);
    return new Hello(role, party == null ? NO_PARTY : party, workerIndex, protocolVersion);
  }
}
