package org.secformer.engine.model;

/** A model or weight-share file that cannot be used; the message names the file and the problem. */
public class ModelFormatException extends RuntimeException {
  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
