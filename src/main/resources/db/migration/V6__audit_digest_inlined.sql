-- audit_row_digest was declared IMMUTABLE, but its body calls functions PostgreSQL marks STABLE
-- (concat_ws, extract on a timestamptz). PostgreSQL inlines a SQL function only when its body is
-- no more volatile than its declaration, so the chain trigger ran the function as a function call
-- of its own, with an executor of its own, for every audit row. Declared STABLE, which is what it
-- is, it is inlined into the trigger's expression and the verifier's queries. Same expression, so
-- the same hashes: the chain and its verification are unchanged.
ALTER FUNCTION audit_row_digest(bytea, bigint, timestamptz, text, text, text, text, text, jsonb) STABLE;
