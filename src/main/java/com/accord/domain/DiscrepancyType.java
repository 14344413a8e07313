package com.accord.domain;

/** The kinds of disagreement Accord reports. */
public enum DiscrepancyType {
  AMOUNT,
  CURRENCY,
  STATUS,
  ACCOUNT,
  TIMESTAMP,
  MISSING,
  DUPLICATE
}
