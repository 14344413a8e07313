package com.accord.domain;

/** Where a transaction stands. */
public enum ResultStatus {
  /** Not all expected sources have reported and nothing disagrees yet; the window is still open. */
  PENDING,
  /** Every expected source reported and all agree within tolerance. */
  MATCHED,
  /** At least two sources disagree (or a source reported twice). */
  MISMATCHED,
  /** The window closed before every expected source reported. */
  MISSING
}
