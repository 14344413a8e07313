package com.accord.domain;

import java.util.Objects;

/**
 * One problem with one value of a submitted event, located by a JSON path such as
 * {@code $[3].amount} or {@code $[0].metadata.k1}.
 */
public record FieldError(String path, String message) {

  public FieldError {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }
}
