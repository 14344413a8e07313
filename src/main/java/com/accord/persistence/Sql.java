package com.accord.persistence;

/**
 * Every SQL statement Accord runs, by name. Batches travel as parallel arrays expanded with
 * {@code unnest}, so each batch costs one round trip whatever its size.
 */
public final class Sql {
  private Sql() {}

  /**
   * $1..$4 source, event_id, txn_id, payload (text[]); $5 received_at (timestamptz[]: write-aheads
   * merged into one statement keep each its own receive time); $6 via. One row per input,
   * in input order, saying whether the event's transaction had events stored before this statement
   * (its snapshot does not see the rows the statement inserts), so correlation asks PostgreSQL
   * only about transactions with a history. Rows are inserted in identity order, so concurrent batches sharing identities
   * (redeliveries) take the unique index's locks in one order and wait instead of deadlocking.
   */
  public static final String INSERT_RAW_EVENTS = """
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
          WITH ORDINALITY AS t(source, event_id, txn_id, payload, received_at, ord)
      ), inserted AS (
        INSERT INTO raw_events (source, event_id, txn_id, payload, received_at, via)
        SELECT source, event_id, txn_id, payload::jsonb, received_at, $6 FROM input ORDER BY source, event_id
        ON CONFLICT ON CONSTRAINT raw_events_identity DO NOTHING
        RETURNING source, event_id
      )
      SELECT i.ord, n.event_id IS NOT NULL AS inserted, e.payload::text AS existing,
             EXISTS (SELECT 1 FROM raw_events h WHERE h.txn_id = i.txn_id) AS has_history
      FROM input i
      LEFT JOIN inserted n ON n.source = i.source AND n.event_id = i.event_id
      LEFT JOIN raw_events e ON n.event_id IS NULL AND e.source = i.source AND e.event_id = i.event_id
      ORDER BY i.ord""";

  /** Stored payloads of events by identity; $1 sources, $2 event ids. For rows a concurrent writer committed. */
  public static final String SELECT_RAW_PAYLOADS = """
      SELECT e.source, e.event_id, e.payload::text AS payload
      FROM raw_events e JOIN unnest($1::text[], $2::text[]) AS k(source, event_id)
        ON e.source = k.source AND e.event_id = k.event_id""";

  /** $1..$4 source, event_id, txn_id, payload; $5 received_at; $6 via. A repeated conflict is kept once. */
  public static final String INSERT_CONFLICTS = """
      INSERT INTO event_conflicts (source, event_id, txn_id, payload, payload_sha256, received_at, via)
      SELECT source, event_id, txn_id, payload::jsonb, sha256(convert_to(payload::jsonb::text, 'UTF8')), $5, $6
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(source, event_id, txn_id, payload)
      ORDER BY source, event_id
      ON CONFLICT ON CONSTRAINT event_conflicts_identity DO NOTHING""";

  /**
   * $1 received_at; $2 via; $3 item index (int[]); $4..$6 source, event_id, txn_id; $7 reason;
   * $8 errors (json); $9 raw (hex); $10 topic; $11 partition (int[]); $12 offset (bigint[]).
   */
  public static final String INSERT_REJECTED = """
      INSERT INTO rejected_events (received_at, via, item_index, source, event_id, txn_id, reason, errors, raw,
                                   topic, partition_id, kafka_offset)
      SELECT $1, $2, item_index, source, event_id, txn_id, reason, errors::jsonb, decode(raw, 'hex'),
             topic, partition_id, kafka_offset
      FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                  $10::text[], $11::int[], $12::bigint[])
        AS t(item_index, source, event_id, txn_id, reason, errors, raw, topic, partition_id, kafka_offset)""";

  /**
   * Upserts results and, for those whose verdict changed, replaces their discrepancy rows and
   * appends an audit row, all in one statement. A result computed from an older correlation
   * state (lower state_revision) never overwrites a newer one. Returns the changed results.
   * $1..$9 text[]: txn_id, status, sources_seen, sources_missing, discrepancy_types (comma
   * separated), discrepancies (json), amount, currency, first_seen_at; $10 bigint[] state_revision.
   */
  public static final String UPSERT_RESULTS = """
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                             $7::text[], $8::text[], $9::text[], $10::bigint[])
          AS t(txn_id, status, sources_seen, sources_missing, discrepancy_types, discrepancies,
               amount, currency, first_seen_at, state_revision)
      ), previous AS (
        SELECT r.txn_id, r.status, r.version FROM reconciliation_results r JOIN input i ON i.txn_id = r.txn_id
      ), upserted AS (
        INSERT INTO reconciliation_results AS r (txn_id, status, sources_seen, sources_missing, discrepancy_types,
            discrepancies, amount, currency, first_seen_at, updated_at, version, state_revision)
        SELECT txn_id, status, string_to_array(sources_seen, ','), string_to_array(sources_missing, ','),
               string_to_array(discrepancy_types, ','), discrepancies::jsonb, amount::numeric, currency,
               first_seen_at::timestamptz, now(), 1, state_revision
        FROM input ORDER BY txn_id
        ON CONFLICT (txn_id) DO UPDATE SET
          status = excluded.status,
          sources_seen = excluded.sources_seen,
          sources_missing = excluded.sources_missing,
          discrepancy_types = excluded.discrepancy_types,
          discrepancies = excluded.discrepancies,
          amount = excluded.amount,
          currency = excluded.currency,
          first_seen_at = least(r.first_seen_at, excluded.first_seen_at),
          version = CASE WHEN (r.status, r.sources_seen, r.sources_missing, r.discrepancies)
                              IS DISTINCT FROM (excluded.status, excluded.sources_seen, excluded.sources_missing, excluded.discrepancies)
                         THEN r.version + 1 ELSE r.version END,
          updated_at = CASE WHEN (r.status, r.sources_seen, r.sources_missing, r.discrepancies)
                              IS DISTINCT FROM (excluded.status, excluded.sources_seen, excluded.sources_missing, excluded.discrepancies)
                            THEN excluded.updated_at ELSE r.updated_at END,
          state_revision = excluded.state_revision
        WHERE excluded.state_revision > r.state_revision
        RETURNING r.txn_id, r.status, r.version, r.discrepancies, r.discrepancy_types, r.updated_at
      ), changed AS (
        SELECT u.*, p.status AS previous_status
        FROM upserted u LEFT JOIN previous p ON p.txn_id = u.txn_id
        WHERE p.version IS NULL OR p.version <> u.version
      ), cleared AS (
        DELETE FROM discrepancies d USING changed c WHERE d.txn_id = c.txn_id
      ), listed AS (
        INSERT INTO discrepancies (txn_id, result_version, type, source_a, source_b, value_a, value_b, difference, detected_at)
        SELECT c.txn_id, c.version, x.type, x.source_a, x.source_b, x.value_a, x.value_b, x.difference, c.updated_at
        FROM changed c CROSS JOIN LATERAL jsonb_to_recordset(c.discrepancies)
          AS x(type text, source_a text, source_b text, value_a text, value_b text, difference text)
      ), audited AS (
        INSERT INTO audit_logs (occurred_at, actor, action, resource_type, resource_id, outcome, details)
        SELECT c.updated_at, 'system:correlation', 'result.changed', 'transaction', c.txn_id, 'success',
               jsonb_build_object('from', c.previous_status, 'to', c.status, 'version', c.version,
                                  'discrepancy_types', to_jsonb(c.discrepancy_types))
        FROM changed c ORDER BY c.txn_id
      )
      SELECT txn_id, version, previous_status FROM changed""";

  /** Events and conflicts of the transactions $1 (text[]), with their receive times. */
  public static final String SELECT_TRANSACTION_EVENTS = """
      SELECT 'event' AS kind, txn_id, payload::text AS payload, received_at
      FROM raw_events WHERE txn_id = ANY($1::text[])
      UNION ALL
      SELECT 'conflict', txn_id, jsonb_build_object('source', source, 'event_id', event_id)::text, received_at
      FROM event_conflicts WHERE txn_id = ANY($1::text[])""";

  /**
   * The next page of transactions whose correlation state must be in Redis: open (not all
   * expected sources seen, window not yet closed) or touched at or after $1. $2 exclusive lower
   * bound on txn_id ('' for the first page); $3 page size.
   */
  public static final String SELECT_OPEN_TRANSACTION_IDS = """
      SELECT txn_id FROM (
        SELECT txn_id FROM reconciliation_results
        WHERE status IN ('PENDING', 'MISMATCHED') AND cardinality(sources_missing) > 0 AND txn_id > $2
        UNION
        SELECT txn_id FROM raw_events WHERE received_at >= $1 AND txn_id > $2
      ) open ORDER BY txn_id LIMIT $3""";
}
