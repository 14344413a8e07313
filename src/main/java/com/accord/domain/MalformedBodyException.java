package com.accord.domain;

/**
 * A request body that cannot be processed as a whole (not JSON, trailing content, not an array,
 * too many items, nested too deep), as opposed to single bad items, which are reported per item.
 */
public class MalformedBodyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** JSON path of where the problem was found, such as {@code $} or {@code $[2].amount}; null when unknown. */
  private final String pointer;

  public MalformedBodyException(String message) {
    this(message, null, null);
  }

  public MalformedBodyException(String message, String pointer) {
    this(message, pointer, null);
  }

  public MalformedBodyException(String message, String pointer, Throwable cause) {
    super(message, cause);
    this.pointer = pointer;
  }

  /** JSON path of where the problem was found, or null when it cannot be located. */
  public String pointer() {
    return pointer;
  }
}
