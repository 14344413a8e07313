package com.accord.domain;

import java.util.Objects;

/**
 * A second event with an already-stored {@code (source, eventId)} but different content. The stored
 * event is never overwritten; the conflict is kept and reported as a {@link DiscrepancyType#DUPLICATE}.
 */
public record Conflict(String source, String eventId) {
  public Conflict {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(eventId, "eventId");
  }
}
