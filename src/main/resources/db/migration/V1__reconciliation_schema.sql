-- Accord's system of record: every event as received, every result, every change, every rejection.

-- The write-ahead log of valid events. (source, event_id) is the identity of an event: a
-- redelivery is a no-op, a different payload under the same identity goes to event_conflicts.
CREATE TABLE raw_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text        NOT NULL,
    event_id    text        NOT NULL,
    txn_id      text        NOT NULL,
    payload     jsonb       NOT NULL,
    received_at timestamptz NOT NULL,
    via         text        NOT NULL,
    CONSTRAINT raw_events_identity UNIQUE (source, event_id)
);
CREATE INDEX raw_events_txn_id ON raw_events (txn_id);
CREATE INDEX raw_events_received_at ON raw_events (received_at);

CREATE TABLE event_conflicts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source         text        NOT NULL,
    event_id       text        NOT NULL,
    txn_id         text        NOT NULL,
    payload        jsonb       NOT NULL,
    payload_sha256 bytea       NOT NULL,
    received_at    timestamptz NOT NULL,
    via            text        NOT NULL,
    CONSTRAINT event_conflicts_identity UNIQUE (source, event_id, payload_sha256)
);
CREATE INDEX event_conflicts_txn_id ON event_conflicts (txn_id);

-- Input Accord could not accept, kept with its reason (and, from Kafka, its raw bytes).
CREATE TABLE rejected_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    via         text        NOT NULL,
    item_index  integer,
    source      text,
    event_id    text,
    txn_id      text,
    reason      text        NOT NULL,
    errors      jsonb       NOT NULL,
    raw         bytea
);
CREATE INDEX rejected_events_received_at ON rejected_events (received_at);

-- One row per transaction. id orders rows for keyset paging and never changes; version grows by
-- one with every change of verdict; state_revision is the correlation state a verdict was
-- computed from, so an older computation can never overwrite a newer one.
CREATE TABLE reconciliation_results (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txn_id            text        NOT NULL UNIQUE,
    status            text        NOT NULL,
    sources_seen      text[]      NOT NULL,
    sources_missing   text[]      NOT NULL,
    discrepancy_types text[]      NOT NULL,
    discrepancies     jsonb       NOT NULL,
    amount            numeric,
    currency          text,
    first_seen_at     timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    version           integer     NOT NULL,
    state_revision    bigint      NOT NULL
);
CREATE INDEX reconciliation_results_status ON reconciliation_results (status, id);
CREATE INDEX reconciliation_results_first_seen ON reconciliation_results (first_seen_at, id);
CREATE INDEX reconciliation_results_types ON reconciliation_results USING gin (discrepancy_types);
CREATE INDEX reconciliation_results_sources ON reconciliation_results USING gin (sources_seen);
CREATE INDEX reconciliation_results_open ON reconciliation_results (txn_id) WHERE status IN ('PENDING', 'MISMATCHED');

CREATE TABLE discrepancies (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txn_id         text        NOT NULL,
    result_version integer     NOT NULL,
    type           text        NOT NULL,
    source_a       text        NOT NULL,
    source_b       text,
    value_a        text,
    value_b        text,
    difference     text,
    detected_at    timestamptz NOT NULL
);
CREATE INDEX discrepancies_txn_id ON discrepancies (txn_id);
CREATE INDEX discrepancies_type ON discrepancies (type, source_a, source_b);

-- Append-only, hash-chained audit trail. seq and the hashes are assigned by the trigger below
-- under a lock on the chain head, so the chain order is the commit order.
CREATE TABLE audit_logs (
    seq           bigint      PRIMARY KEY,
    occurred_at   timestamptz NOT NULL,
    actor         text        NOT NULL,
    action        text        NOT NULL,
    resource_type text        NOT NULL,
    resource_id   text,
    outcome       text        NOT NULL,
    details       jsonb       NOT NULL,
    prev_hash     bytea       NOT NULL,
    hash          bytea       NOT NULL
);
CREATE INDEX audit_logs_resource ON audit_logs (resource_type, resource_id, seq);
CREATE INDEX audit_logs_occurred_at ON audit_logs (occurred_at);

CREATE TABLE audit_chain_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_seq  bigint  NOT NULL,
    last_hash bytea   NOT NULL
);
INSERT INTO audit_chain_head (last_seq, last_hash) VALUES (0, sha256(''::bytea));

-- What a row's hash covers; the verifier recomputes exactly this.
CREATE FUNCTION audit_row_digest(prev bytea, seq bigint, occurred_at timestamptz, actor text, action text,
                                 resource_type text, resource_id text, outcome text, details jsonb)
RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(prev || convert_to(concat_ws(E'\x1f',
        seq::text,
        (extract(epoch FROM occurred_at) * 1000000)::bigint::text,
        actor, action, resource_type, coalesce(resource_id, ''), outcome, details::text), 'UTF8'))
$$;

CREATE FUNCTION audit_logs_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_chain_head%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_chain_head WHERE singleton FOR UPDATE;
    NEW.seq := head.last_seq + 1;
    NEW.prev_hash := head.last_hash;
    NEW.hash := audit_row_digest(NEW.prev_hash, NEW.seq, NEW.occurred_at, NEW.actor, NEW.action,
                                 NEW.resource_type, NEW.resource_id, NEW.outcome, NEW.details);
    UPDATE audit_chain_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE singleton;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_logs_chain BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_chain();

CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_logs_no_update BEFORE UPDATE OR DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();
