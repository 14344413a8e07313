package com.accord.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The filters of GET /api/v1/results, already validated. Null or empty means "any". */
record ResultFilter(
    List<String> statuses,
    List<String> discrepancyTypes,
    String source,
    Instant from,
    Instant to,
    BigDecimal minAmount,
    BigDecimal maxAmount,
    Long beforeId,
    int limit) {

  ResultFilter {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    discrepancyTypes = discrepancyTypes == null ? List.of() : List.copyOf(discrepancyTypes);
  }
}
