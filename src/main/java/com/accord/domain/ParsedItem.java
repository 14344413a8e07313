package com.accord.domain;

import java.util.List;
import java.util.Objects;

/** The outcome of validating one element of a submitted batch: an event, or everything wrong with it. */
public sealed interface ParsedItem {

  /** Position of the element in the submitted array. */
  int index();

  /** The element was a valid event. */
  record Valid(int index, TransactionEvent event) implements ParsedItem {
    public Valid {
      Objects.requireNonNull(event, "event");
    }
  }

  /** The element was rejected; {@code errors} lists every problem found, never empty. */
  record Invalid(int index, List<FieldError> errors) implements ParsedItem {
    public Invalid {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an invalid item needs at least one error");
      }
    }
  }
}
