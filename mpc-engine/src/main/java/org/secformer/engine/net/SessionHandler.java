package org.secformer.engine.net;

/** What a server or client does with the messages of one {@link Session}. */
public interface SessionHandler {
  /** Called once the peer's certificate role is verified. */
  default void onOpen(Session session) {}

  /**
   * Called on the link's event loop for every whole message, in arrival order: hand heavy work to
   * another thread.
   */
  void onMessage(Session session, Inbound message);

  /** Called once when the link closes, for whatever reason; {@code reason} may be null. */
  default void onClose(Session session, Throwable reason) {}
}
