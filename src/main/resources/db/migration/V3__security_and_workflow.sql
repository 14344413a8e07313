-- The embedded token issuer, the operators' work on breaks, and an audit chain the application
-- role can extend but never rewrite.

CREATE TABLE users (
    username      text        PRIMARY KEY,
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens are stored only as their SHA-256; a used token is revoked (rotation).
CREATE TABLE refresh_tokens (
    token_sha256 bytea       PRIMARY KEY,
    username     text        NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX refresh_tokens_username ON refresh_tokens (username);

-- Signing keys of the embedded issuer, generated on first start and kept.
CREATE TABLE signing_keys (
    kid         text        PRIMARY KEY,
    algorithm   text        NOT NULL,
    private_pem text        NOT NULL,
    public_jwk  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE annotations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txn_id     text        NOT NULL,
    author     text        NOT NULL,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX annotations_txn_id ON annotations (txn_id, id);

-- A resolution applies to the verdict (result version) it was made on; a later change of
-- verdict re-opens the break.
CREATE TABLE resolutions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txn_id         text        NOT NULL,
    result_version integer     NOT NULL,
    resolution     text        NOT NULL,
    reason         text        NOT NULL,
    resolved_by    text        NOT NULL,
    resolved_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resolutions_txn_id ON resolutions (txn_id, id);

CREATE INDEX audit_logs_actor ON audit_logs (actor, seq);
CREATE INDEX audit_logs_action ON audit_logs (action, seq);

-- The chain head is updated by the trigger with its owner's rights, so the application role
-- needs (and gets) no write access to it.
ALTER FUNCTION audit_logs_chain() SECURITY DEFINER SET search_path = public;
