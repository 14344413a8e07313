#!/usr/bin/env bash
# Backend CPU per statement for Accord's pipeline statements, as a live batch of one event pays it.
# Measures, in a scratch database of its own migrated with Accord's schema and seeded as a table in
# service (300,000 transactions):
#   - the write-ahead and the results upsert, one event per statement, prepared, under PostgreSQL's
#     default plan cache mode and under force_generic_plan (tried for the pipeline's pools and reverted);
#   - audit rows, one per statement, with audit_row_digest inlined (as migrated, V6) and as it was
#     declared before V6 (IMMUTABLE: called per row).
# Usage: bash docs/probes/statement-cost.sh [statements per cell, default 5000]
# Needs psql and python3, PostgreSQL on 127.0.0.1:5432 (user postgres, trust), run from the repository.
set -euo pipefail
N=${1:-5000}
DB=accord_probe_statement_cost_$$
PSQL=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
WORK=$(mktemp -d)
trap '"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
for f in src/main/resources/db/migration/V*.sql; do "${PSQL[@]}" -d "$DB" -f "$f"; done
"${PSQL[@]}" -d "$DB" <<'SQL'
INSERT INTO raw_events (source, event_id, txn_id, payload, received_at, via)
SELECT s, s || '-seed-' || g, 'SEED' || g, jsonb_build_object('source', s, 'amount', '1.00', 'reference', 'seed ' || g), now(), 'kafka'
FROM generate_series(1, 300000) g, unnest(ARRAY['core', 'gateway', 'mobile']) s;
INSERT INTO reconciliation_results (txn_id, status, sources_seen, sources_missing, discrepancy_types, discrepancies,
    amount, currency, first_seen_at, updated_at, version, state_revision)
SELECT 'SEED' || g, 'MATCHED', ARRAY['core', 'gateway', 'mobile'], '{}', '{}', '[]', 1.00, 'EUR', now(), now(), 1, 1
FROM generate_series(1, 300000) g;
VACUUM ANALYZE;
SQL

# One script per cell: PREPARE, N executions of one event each (each its own transaction, as the
# pipeline's), the backend's CPU ticks before and after, and the plan counts.
python3 - "$WORK" "$N" <<'PY'
import json, re, sys
work, n = sys.argv[1], int(sys.argv[2])
sql = open('src/main/java/com/accord/persistence/Sql.java').read()
def statement(name):
    return re.search(name + r' = """\n(.*?)""";', sql, re.S).group(1)
def arr(xs):
    return "ARRAY[" + ",".join("'" + x.replace("'", "''") + "'" for x in xs) + "]"
head = ["SELECT pg_backend_pid() AS pid \\gset", "\\setenv PID :pid",
        "\\! awk '{print \"ticks_before\", $14+$15}' /proc/$PID/stat"]
tail = ["\\! awk '{print \"ticks_after\", $14+$15}' /proc/$PID/stat",
        "SELECT 'plans', generic_plans, custom_plans FROM pg_prepared_statements \\g (format=unaligned tuples_only)"]
def write(name, body):
    open(f"{work}/{name}.sql", "w").write("\n".join(head + body + tail) + "\n")
wa, up = [], []
for i in range(n):
    t = f"PROBE{i:09d}"
    payload = json.dumps({"source": "core", "event_id": "core-" + t, "txn_id": t, "amount": "1234.56", "currency": "EUR",
                          "status": "POSTED", "account": "DE89370400440532013000", "timestamp": "2026-12-07T12:00:00.123Z"})
    wa.append(f"EXECUTE s({arr(['core'])},{arr(['core-' + t])},{arr([t])},{arr([payload])},"
              f"{arr(['2026-12-07T12:00:00.2Z'])}::timestamptz[],'http') \\g /dev/null")
    up.append(f"EXECUTE s({arr([t])},{arr(['PENDING'])},{arr(['core'])},{arr(['gateway,mobile'])},{arr([''])},"
              f"{arr(['[]'])},{arr(['1234.56'])},{arr(['EUR'])},{arr(['2026-12-07T12:00:00.123Z'])},ARRAY[1]::bigint[]) \\g /dev/null")
write("write_ahead", ["PREPARE s(text[],text[],text[],text[],timestamptz[],text) AS " + statement("INSERT_RAW_EVENTS") + ";"] + wa)
write("results_upsert", ["PREPARE s(text[],text[],text[],text[],text[],text[],text[],text[],text[],bigint[]) AS "
                         + statement("UPSERT_RESULTS") + ";"] + up)
write("audit_row", ["PREPARE s(text) AS INSERT INTO audit_logs (occurred_at, actor, action, resource_type, resource_id, outcome, details)"
                    " VALUES (now(), 'probe', 'probe.row', 'transaction', $1, 'success', '{\"from\": \"PENDING\"}');"]
                   + [f"EXECUTE s('PROBE{i}') \\g /dev/null" for i in range(n)])
PY

TICK_US=$((1000000 / $(getconf CLK_TCK)))
printf '| statement, one event each | setting | generic plans | custom plans | backend CPU µs per statement |\n|---|---|---:|---:|---:|\n'
CELL=0
cell() { # statement setting PGOPTIONS; every cell writes transactions of its own
  local out
  CELL=$((CELL + 1))
  sed "s/PROBE/PROBE${CELL}X/g" "$WORK/$1.sql" > "$WORK/cell.sql"
  out=$(PGOPTIONS="$3" "${PSQL[@]}" -d "$DB" -f "$WORK/cell.sql")
  local before after plans
  before=$(awk '/ticks_before/ {print $2}' <<<"$out"); after=$(awk '/ticks_after/ {print $2}' <<<"$out")
  plans=$(awk -F'|' '/^plans/ {print $2 " | " $3}' <<<"$out")
  printf '| %s | %s | %s | %d |\n' "$1" "$2" "$plans" $(( (after - before) * TICK_US / N ))
}
cell write_ahead "plan_cache_mode=auto (PostgreSQL's default)" ""
cell write_ahead "plan_cache_mode=force_generic_plan (tried, reverted)" "-c plan_cache_mode=force_generic_plan"
cell results_upsert "plan_cache_mode=auto (PostgreSQL's default)" ""
cell results_upsert "plan_cache_mode=force_generic_plan (tried, reverted)" "-c plan_cache_mode=force_generic_plan"
cell audit_row "audit_row_digest STABLE, inlined (V6)" ""
"${PSQL[@]}" -d "$DB" -c "ALTER FUNCTION audit_row_digest(bytea, bigint, timestamptz, text, text, text, text, text, jsonb) IMMUTABLE"
cell audit_row "audit_row_digest IMMUTABLE, called per row (before V6)" ""
