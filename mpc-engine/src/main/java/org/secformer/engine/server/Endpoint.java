package org.secformer.engine.server;

/** host:port of one worker. */
public record Endpoint(String host, int port) {
  public Endpoint {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("endpoint host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("endpoint port out of range: " + port);
    }
  }

  public static Endpoint parse(String s) {
    String t = s.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("endpoint '" + s + "' is not host:port");
    }
    try {
      return new Endpoint(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint '" + s + "' has a port that is not a number", e);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
