package com.accord.bus;

/** Every event-bus address Accord uses, and what travels on it. Batches travel, never single events. */
public final class Addresses {
  private Addresses() {}

  /** Request {@link Messages.IngestBatch}, reply {@link Messages.IngestReceipt}: write-ahead then correlate. */
  public static final String INGEST = "accord.ingestion.batch";
  /** Request {@link Messages.RawWrite}, reply {@link Messages.RawWriteOutcome}: store events in raw_events. */
  public static final String PERSIST_RAW = "accord.persistence.raw";
  /** Request {@link Messages.CorrelationBatch}, reply {@link Messages.CorrelationDone}. */
  public static final String CORRELATE = "accord.correlation.batch";
  /** Request {@link Messages.ResultBatch}, reply {@link Messages.ResultsStored}: upsert results. */
  public static final String PERSIST_RESULTS = "accord.persistence.results";
  /** Request {@link Messages.LoadEvents}, reply {@link Messages.StoredEvents}: events of transactions, for hydration. */
  public static final String LOAD_EVENTS = "accord.persistence.load-events";
  /** Request {@link Messages.LoadOpenTransactions}, reply {@link Messages.OpenTransactions}: for rebuilding Redis. */
  public static final String LOAD_OPEN = "accord.persistence.load-open";
  /** Published {@link Messages.ResultsStored}: results whose verdict changed. */
  public static final String RESULTS_CHANGED = "accord.results.changed";
}
