namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// The schema as ordered migration scripts: script <c>n</c> brings the database to version <c>n + 1</c>. Scripts are
/// append-only once shipped; a change is a new script.
/// </summary>
/// <remarks>
/// Times are UTC ticks (<see cref="DateTimeOffset.UtcTicks"/>), so a day number is <c>ticks / TicksPerDay</c>
/// (<see cref="DateOnly.DayNumber"/>). Quota counter starts are minutes since 0001-01-01 for <c>m</c> slots, day numbers
/// for <c>d</c>, and <c>year * 12 + month - 1</c> for <c>M</c>. Budgets are integer nano-USD; usage costs are exact
/// decimal text summed by the <c>decimal_sum</c> aggregate the database registers on every connection.
/// </remarks>
internal static class SqliteSchema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE orgs (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            limits TEXT NOT NULL,
            policy TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE teams (
            id TEXT NOT NULL PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES orgs (id),
            name TEXT NOT NULL,
            limits TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX teams_org ON teams (org_id);

        CREATE TABLE keys (
            id TEXT NOT NULL PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES orgs (id),
            team_id TEXT NULL REFERENCES teams (id),
            environment TEXT NULL,
            name TEXT NOT NULL,
            hint TEXT NOT NULL,
            tier TEXT NULL,
            limits TEXT NOT NULL,
            access TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            rotated_at INTEGER NULL,
            revoked_at INTEGER NULL
        ) WITHOUT ROWID;
        CREATE INDEX keys_org ON keys (org_id);
        CREATE INDEX keys_team ON keys (team_id);

        CREATE TABLE key_secrets (
            hash BLOB NOT NULL PRIMARY KEY,
            key_id TEXT NOT NULL REFERENCES keys (id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NULL
        ) WITHOUT ROWID;
        CREATE INDEX key_secrets_key ON key_secrets (key_id);

        CREATE TABLE settings (
            name TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE quota_counters (
            scope_kind INTEGER NOT NULL,
            scope_id TEXT NOT NULL,
            period TEXT NOT NULL,
            start INTEGER NOT NULL,
            requests INTEGER NOT NULL,
            tokens INTEGER NOT NULL,
            nano_usd INTEGER NOT NULL,
            PRIMARY KEY (scope_kind, scope_id, period, start)
        ) WITHOUT ROWID;
        CREATE INDEX quota_counters_age ON quota_counters (period, start);

        CREATE TABLE reservations (
            id TEXT NOT NULL PRIMARY KEY,
            scopes TEXT NOT NULL,
            minute INTEGER NOT NULL,
            day INTEGER NOT NULL,
            month INTEGER NOT NULL,
            tokens INTEGER NOT NULL,
            nano_usd INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            released INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE INDEX reservations_held ON reservations (expires_at) WHERE released = 0;
        CREATE INDEX reservations_released ON reservations (expires_at) WHERE released = 1;

        CREATE TABLE usage (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            correlation_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            team_id TEXT NULL,
            org_id TEXT NULL,
            endpoint TEXT NULL,
            model TEXT NULL,
            provider TEXT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cost_usd TEXT NOT NULL,
            latency_ms INTEGER NOT NULL,
            verdict TEXT NOT NULL,
            status_code INTEGER NOT NULL
        );
        CREATE INDEX usage_at ON usage (at);
        CREATE INDEX usage_org_at ON usage (org_id, at);
        CREATE INDEX usage_key_at ON usage (key_id, at);

        CREATE TABLE admin_audit (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            correlation_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target_id TEXT NOT NULL,
            status_code INTEGER NOT NULL,
            details TEXT NULL
        );
        CREATE INDEX admin_audit_at ON admin_audit (at);
        """,

        // 2: the audit chain. Hashes are 32-byte blobs; times are UTC ticks of whole microseconds; the cost is the
        // canonical decimal text. audit_head holds the last record's sequence and hash (-1 and zeros while empty) and
        // is rewritten by every batch; content lives beside the chain and is purged by expiry.
        """
        CREATE TABLE audit_chain (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            correlation_id TEXT NULL,
            key_id TEXT NULL,
            org_id TEXT NULL,
            team_id TEXT NULL,
            endpoint TEXT NULL,
            model TEXT NULL,
            provider TEXT NULL,
            route_method TEXT NULL,
            verdict TEXT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cost_usd TEXT NOT NULL,
            latency_ms INTEGER NOT NULL,
            status_code INTEGER NOT NULL,
            fallback_attempts INTEGER NOT NULL,
            prompt_sha256 BLOB NULL,
            response_sha256 BLOB NULL,
            actor TEXT NULL,
            action TEXT NULL,
            target TEXT NULL,
            details TEXT NULL,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE INDEX audit_chain_admin ON audit_chain (seq) WHERE kind = 'admin';

        CREATE TABLE audit_head (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            hash BLOB NOT NULL
        );
        INSERT INTO audit_head (id, seq, hash) VALUES (1, -1, zeroblob(32));

        CREATE TABLE audit_content (
            seq INTEGER PRIMARY KEY,
            prompt BLOB NULL,
            response BLOB NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX audit_content_expires ON audit_content (expires_at);
        """,

        // 3: idempotency records (issue 6). state: 0 in progress (owner, lease_until), 1 completed (status_code, headers,
        // body), 2 uncertain. expires_at ends the record's retention; the key is free after it.
        """
        CREATE TABLE idempotency (
            key_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            fingerprint BLOB NOT NULL,
            state INTEGER NOT NULL,
            owner TEXT NULL,
            created_at INTEGER NOT NULL,
            lease_until INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            status_code INTEGER NULL,
            headers TEXT NULL,
            body BLOB NULL,
            PRIMARY KEY (key_id, idempotency_key)
        );
        CREATE INDEX idempotency_expires_at ON idempotency (expires_at);
        """,

        // 4: conversations (issue 8). turn_count is the number of turns, numbered 0 to turn_count - 1; summary_through
        // is the last turn the summary covers (-1 with no summary). Listings are newest updated_at first, ties by id,
        // within an org: the indexes serve the org's, an owner's and the shared listings. Turns are a rowid table, as
        // their content can be large.
        """
        CREATE TABLE conversations (
            id TEXT NOT NULL PRIMARY KEY,
            org_id TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            title TEXT NULL,
            shared INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            turn_count INTEGER NOT NULL,
            summary TEXT NULL,
            summary_through INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX conversations_org_updated ON conversations (org_id, updated_at, id);
        CREATE INDEX conversations_subject_updated ON conversations (org_id, subject_id, updated_at, id);
        CREATE INDEX conversations_shared_updated ON conversations (org_id, updated_at, id) WHERE shared = 1;

        CREATE TABLE conversation_turns (
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            role TEXT NOT NULL,
            content TEXT NULL,
            model TEXT NULL,
            correlation_id TEXT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, seq)
        );
        """,

        // 5: browser-safe sessions (issue 9). Codes and tokens are kept only as their SHA-256. allowed_origins is a JSON
        // array and access JSON access rules; times are UTC ticks. Share codes, sessions and nonces are purged by
        // expires_at; a share code is removed when it is redeemed, a used nonce stays until it expires.
        """
        CREATE TABLE app_clients (
            id TEXT NOT NULL PRIMARY KEY,
            org_id TEXT NOT NULL,
            name TEXT NOT NULL,
            allowed_origins TEXT NOT NULL,
            access TEXT NOT NULL,
            session_lifetime_seconds INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER NULL
        );
        CREATE INDEX app_clients_org_created ON app_clients (org_id, created_at, id);
        CREATE INDEX app_clients_created ON app_clients (created_at, id);

        CREATE TABLE share_codes (
            code_hash BLOB NOT NULL PRIMARY KEY,
            app_client_id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            code_challenge TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX share_codes_expires_at ON share_codes (expires_at);

        CREATE TABLE subject_sessions (
            id TEXT NOT NULL PRIMARY KEY,
            token_hash BLOB NOT NULL UNIQUE,
            hmac_key BLOB NOT NULL,
            app_client_id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            origin TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER NULL
        );
        CREATE INDEX subject_sessions_expires_at ON subject_sessions (expires_at);

        CREATE TABLE session_nonces (
            session_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (session_id, nonce)
        );
        CREATE INDEX session_nonces_expires_at ON session_nonces (expires_at);
        """,
    ];
}
