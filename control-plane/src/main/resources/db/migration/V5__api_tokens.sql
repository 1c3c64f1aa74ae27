-- API tokens: each has a name and a role; only the SHA-256 of its secret is stored, so a secret is
-- shown once, at creation, and never again. Revoked tokens stay (names are not reused) for the record.
CREATE TABLE api_token (
    id            bigserial   PRIMARY KEY,
    name          varchar(64) NOT NULL,
    role          varchar(16) NOT NULL,
    secret_sha256 char(64)    NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    CONSTRAINT api_token_name_key UNIQUE (name),
    CONSTRAINT api_token_secret_key UNIQUE (secret_sha256)
);
