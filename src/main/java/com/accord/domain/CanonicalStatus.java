package com.accord.domain;

/** The status vocabulary every source's own statuses are mapped onto before they are compared. */
public enum CanonicalStatus {
  PENDING,
  COMPLETED,
  FAILED,
  REVERSED
}
