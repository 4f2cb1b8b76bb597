namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as numbered scripts applied in order and recorded in <c>schema_version</c>. A script is never
/// edited once released: changes go in a new one. Functions carry a version suffix (<c>quota_reserve_v1</c>) so
/// instances of an older release keep calling the function they know during a rolling deploy.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>The advisory lock key migrations run under (the bytes of <c>"tsg-mig1"</c>), so instances starting together take turns.</summary>
    public const long AdvisoryLockKey = 0x7473_672D_6D69_6731;

    /// <summary>Creates the version table; run under the advisory lock before reading the version.</summary>
    public const string VersionTable = """
        create table if not exists schema_version (
            version integer primary key,
            applied_at timestamptz not null default now()
        );
        """;

    /// <summary>Gets the scripts, by version.</summary>
    public static IReadOnlyList<KeyValuePair<int, string>> Scripts { get; } =
    [
        new(1, V1),
        new(2, V2),
    ];

    // Ids compare bytewise ("C") wherever order matters, as SQLite's BINARY collation does.
    // Minute slots are whole minutes since the Unix epoch; days and months are UTC dates.
    private const string V1 = """
        create table orgs (
            id text primary key,
            name text not null,
            limits jsonb not null,
            policy jsonb not null,
            created_at timestamptz not null
        );

        create table teams (
            id text primary key,
            org_id text not null references orgs (id),
            name text not null,
            limits jsonb not null,
            created_at timestamptz not null,
            unique (id, org_id)
        );
        create index teams_org_id on teams (org_id);

        create table keys (
            id text primary key,
            org_id text not null references orgs (id),
            team_id text,
            environment text,
            name text not null,
            hint text not null,
            tier text,
            limits jsonb not null,
            access jsonb not null,
            created_at timestamptz not null,
            rotated_at timestamptz,
            revoked_at timestamptz,
            -- A key's team is in the key's org.
            foreign key (team_id, org_id) references teams (id, org_id)
        );
        create index keys_org_id on keys (org_id);
        create index keys_team_id on keys (team_id);

        -- SHA-256 hashes of a key's secrets, one per rotation; older ones expire after a rotation's grace period.
        create table key_secrets (
            hash bytea primary key,
            key_id text not null references keys (id),
            created_at timestamptz not null,
            expires_at timestamptz
        );
        create index key_secrets_key_id on key_secrets (key_id);

        create table settings (
            name text primary key,
            value text not null
        );

        create table usage_records (
            seq bigint generated always as identity primary key,
            arrived_at timestamptz not null,
            correlation_id text not null,
            key_id text not null,
            team_id text,
            org_id text,
            endpoint text,
            model text,
            provider text,
            input_tokens bigint not null,
            output_tokens bigint not null,
            cost_usd numeric not null,
            latency_ms bigint not null,
            verdict text not null,
            status_code integer not null
        );
        create index usage_records_arrived_at on usage_records (arrived_at);
        create index usage_records_org_id on usage_records (org_id, arrived_at);
        create index usage_records_key_id on usage_records (key_id, arrived_at);

        create table admin_audit (
            seq bigint generated always as identity primary key,
            acted_at timestamptz not null,
            correlation_id text not null,
            actor text not null,
            action text not null,
            target_id text not null,
            status_code integer not null,
            details text
        );
        create index admin_audit_acted_at on admin_audit (acted_at, seq);

        -- One row per key, team or org that was ever reserved against: the row a reservation locks.
        create table quota_scopes (
            kind smallint not null,
            id text not null,
            primary key (kind, id)
        );

        -- Settled usage and requests per scope and minute slot; slots older than the hour are deleted.
        create table quota_minutes (
            kind smallint not null,
            id text not null,
            slot bigint not null,
            requests bigint not null,
            tokens bigint not null,
            primary key (kind, id, slot)
        );

        create table quota_days (
            kind smallint not null,
            id text not null,
            day date not null,
            tokens bigint not null,
            cost_nano_usd bigint not null,
            primary key (kind, id, day)
        );

        create table quota_months (
            kind smallint not null,
            id text not null,
            month date not null,
            tokens bigint not null,
            cost_nano_usd bigint not null,
            primary key (kind, id, month)
        );

        -- Outstanding reservations (deleted when settled), with the scopes and slot they were counted in.
        create table quota_reservations (
            id text primary key,
            kinds smallint[] not null,
            ids text[] not null,
            slot bigint not null,
            tokens bigint not null,
            cost_nano_usd bigint not null,
            expires_at timestamptz not null
        );
        create index quota_reservations_expires_at on quota_reservations (expires_at);

        -- A reservation's hold on each of its scopes: counted while unexpired, deleted when settled.
        create table quota_holds (
            reservation_id text not null,
            kind smallint not null,
            id text not null,
            slot bigint not null,
            tokens bigint not null,
            cost_nano_usd bigint not null,
            expires_at timestamptz not null,
            primary key (reservation_id, kind, id)
        );
        create index quota_holds_scope on quota_holds (kind, id, expires_at);

        -- What is counted against each scope at p_now, in the order of the arrays: settled usage plus unexpired holds,
        -- in the current minute slot and the 60 before it, the UTC day and the UTC month. One statement, so one snapshot.
        create function quota_sums_v1(p_kinds smallint[], p_ids text[], p_now timestamptz)
        returns table (
            ord bigint, requests_hour bigint, tokens_hour bigint, tokens_day bigint, tokens_month bigint,
            cost_day bigint, cost_month bigint, oldest_request_slot bigint, oldest_token_slot bigint)
        language sql stable
        as $$
            with t as (
                select floor(extract(epoch from p_now) / 60)::bigint - 60 as hour_start,
                       (p_now at time zone 'UTC')::date as day,
                       date_trunc('month', p_now at time zone 'UTC')::date as month
            ), b as (
                select t.hour_start, t.day, t.month,
                       (extract(epoch from t.day::timestamp) / 60)::bigint as day_start,
                       (extract(epoch from t.month::timestamp) / 60)::bigint as month_start
                from t
            )
            select r.ord,
                   coalesce(m.requests, 0)::bigint,
                   (coalesce(m.tokens, 0) + coalesce(h.tokens_hour, 0))::bigint,
                   (coalesce(d.tokens, 0) + coalesce(h.tokens_day, 0))::bigint,
                   (coalesce(mo.tokens, 0) + coalesce(h.tokens_month, 0))::bigint,
                   (coalesce(d.cost_nano_usd, 0) + coalesce(h.cost_day, 0))::bigint,
                   (coalesce(mo.cost_nano_usd, 0) + coalesce(h.cost_month, 0))::bigint,
                   m.oldest_request,
                   least(m.oldest_token, h.oldest_token)
            from b
            cross join unnest(p_kinds, p_ids) with ordinality as r (kind, id, ord)
            left join lateral (
                select sum(q.requests) as requests, sum(q.tokens) as tokens,
                       min(q.slot) filter (where q.requests > 0) as oldest_request,
                       min(q.slot) filter (where q.tokens > 0) as oldest_token
                from quota_minutes q
                where q.kind = r.kind and q.id = r.id and q.slot >= b.hour_start
            ) m on true
            left join quota_days d on d.kind = r.kind and d.id = r.id and d.day = b.day
            left join quota_months mo on mo.kind = r.kind and mo.id = r.id and mo.month = b.month
            left join lateral (
                select sum(x.tokens) filter (where x.slot >= b.hour_start) as tokens_hour,
                       sum(x.tokens) filter (where x.slot >= b.day_start) as tokens_day,
                       sum(x.tokens) filter (where x.slot >= b.month_start) as tokens_month,
                       sum(x.cost_nano_usd) filter (where x.slot >= b.day_start) as cost_day,
                       sum(x.cost_nano_usd) filter (where x.slot >= b.month_start) as cost_month,
                       min(x.slot) filter (where x.slot >= b.hour_start and x.tokens > 0) as oldest_token
                from quota_holds x
                where x.kind = r.kind and x.id = r.id and x.expires_at > p_now
            ) h on true
            order by r.ord
        $$;

        -- What one scope counts in each minute slot of the sliding hour, oldest first (for Retry-After).
        create function quota_slots_v1(p_kind smallint, p_id text, p_now timestamptz)
        returns table (slot bigint, requests bigint, tokens bigint)
        language sql stable
        as $$
            select s.slot, sum(s.requests)::bigint, sum(s.tokens)::bigint
            from (
                select q.slot, q.requests, q.tokens
                from quota_minutes q
                where q.kind = p_kind and q.id = p_id and q.slot >= floor(extract(epoch from p_now) / 60)::bigint - 60
                union all
                select x.slot, 0, x.tokens
                from quota_holds x
                where x.kind = p_kind and x.id = p_id and x.expires_at > p_now
                  and x.slot >= floor(extract(epoch from p_now) / 60)::bigint - 60
            ) s
            group by s.slot
            order by s.slot
        $$;

        -- Reserves one request on every scope, or none. Scopes come sorted (keys, teams, orgs; then by id) with the
        -- limits in force (null: none). Locks the scope rows in that order, so racing reservations serialize per scope
        -- and never deadlock, counts, checks every limit, and on success counts the request and holds the worst case.
        -- Returns the decision, the counts per scope (after the reservation when granted) and, when a rate limit
        -- refused, that scope's minute slots.
        create function quota_reserve_v1(
            p_id text, p_kinds smallint[], p_ids text[],
            p_requests_per_hour bigint[], p_tokens_per_hour bigint[], p_daily_tokens bigint[], p_monthly_tokens bigint[],
            p_daily_nano_usd bigint[], p_monthly_nano_usd bigint[],
            p_tokens bigint, p_cost_nano_usd bigint, p_hold_microseconds bigint, p_now timestamptz)
        returns table (
            granted boolean, denied_ord integer, denied_limit integer, now_at timestamptz,
            requests_hour bigint[], tokens_hour bigint[], tokens_day bigint[], tokens_month bigint[],
            cost_day bigint[], cost_month bigint[], oldest_request_slot bigint[], oldest_token_slot bigint[],
            denied_slots bigint[], denied_slot_requests bigint[], denied_slot_tokens bigint[])
        language plpgsql
        -- The statements are the same every call: plan them once per session, not on each call.
        set plan_cache_mode = force_generic_plan
        as $$
        #variable_conflict use_column
        declare
            v_now timestamptz := coalesce(p_now, now());
            v_slot bigint := floor(extract(epoch from v_now) / 60)::bigint;
            v_expires timestamptz := v_now + p_hold_microseconds * interval '1 microsecond';
            v_n integer := coalesce(array_length(p_kinds, 1), 0);
            v_limit integer;
            v_deleted bigint;
        begin
            granted := true;
            now_at := v_now;
            if v_n > 0 then
                -- Scope rows are created on first use, then locked, both in the fixed order.
                insert into quota_scopes (kind, id)
                select r.kind, r.id from unnest(p_kinds, p_ids) as r (kind, id)
                order by r.kind, r.id collate "C"
                on conflict do nothing;

                perform 1
                from quota_scopes s
                join unnest(p_kinds, p_ids) as r (kind, id) on s.kind = r.kind and s.id = r.id
                order by s.kind, s.id collate "C"
                for update of s;

                -- Garbage: slots out of the hour, expired holds, and (when a slot went, about once a minute) reservations
                -- that expired unsettled a day ago. Never waits on another transaction.
                delete from quota_minutes
                where (kind, id, slot) in (
                    select m.kind, m.id, m.slot
                    from quota_minutes m
                    join unnest(p_kinds, p_ids) as r (kind, id) on m.kind = r.kind and m.id = r.id
                    where m.slot < v_slot - 60
                    for update of m skip locked);
                get diagnostics v_deleted = row_count;
                if v_deleted > 0 then
                    delete from quota_reservations
                    where id in (
                        select x.id from quota_reservations x
                        where x.expires_at < v_now - interval '1 day'
                        order by x.expires_at
                        limit 1000
                        for update skip locked);
                end if;

                delete from quota_holds
                where (reservation_id, kind, id) in (
                    select x.reservation_id, x.kind, x.id
                    from quota_holds x
                    join unnest(p_kinds, p_ids) as r (kind, id) on x.kind = r.kind and x.id = r.id
                    where x.expires_at <= v_now
                    for update of x skip locked);

                select array_agg(s.requests_hour order by s.ord), array_agg(s.tokens_hour order by s.ord),
                       array_agg(s.tokens_day order by s.ord), array_agg(s.tokens_month order by s.ord),
                       array_agg(s.cost_day order by s.ord), array_agg(s.cost_month order by s.ord),
                       array_agg(s.oldest_request_slot order by s.ord), array_agg(s.oldest_token_slot order by s.ord)
                into requests_hour, tokens_hour, tokens_day, tokens_month, cost_day, cost_month,
                     oldest_request_slot, oldest_token_slot
                from quota_sums_v1(p_kinds, p_ids, v_now) s;

                for i in 1 .. v_n loop
                    v_limit := case
                        when p_requests_per_hour[i] is not null and requests_hour[i] + 1 > p_requests_per_hour[i] then 0
                        when p_tokens_per_hour[i] is not null and tokens_hour[i] + p_tokens > p_tokens_per_hour[i] then 1
                        when p_daily_tokens[i] is not null and tokens_day[i] + p_tokens > p_daily_tokens[i] then 2
                        when p_monthly_tokens[i] is not null and tokens_month[i] + p_tokens > p_monthly_tokens[i] then 3
                        when p_daily_nano_usd[i] is not null and cost_day[i] + p_cost_nano_usd > p_daily_nano_usd[i] then 4
                        when p_monthly_nano_usd[i] is not null and cost_month[i] + p_cost_nano_usd > p_monthly_nano_usd[i] then 5
                    end;
                    if v_limit is not null then
                        granted := false;
                        denied_ord := i;
                        denied_limit := v_limit;
                        if v_limit <= 1 then
                            select array_agg(x.slot order by x.slot), array_agg(x.requests order by x.slot),
                                   array_agg(x.tokens order by x.slot)
                            into denied_slots, denied_slot_requests, denied_slot_tokens
                            from quota_slots_v1(p_kinds[i], p_ids[i], v_now) x;
                        end if;
                        return next;
                        return;
                    end if;
                end loop;
            end if;

            insert into quota_reservations (id, kinds, ids, slot, tokens, cost_nano_usd, expires_at)
            values (p_id, coalesce(p_kinds, '{}'), coalesce(p_ids, '{}'), v_slot, p_tokens, p_cost_nano_usd, v_expires);

            if v_n > 0 then
                insert into quota_minutes (kind, id, slot, requests, tokens)
                select r.kind, r.id, v_slot, 1, 0 from unnest(p_kinds, p_ids) as r (kind, id)
                order by r.kind, r.id collate "C"
                on conflict (kind, id, slot) do update set requests = quota_minutes.requests + 1;

                if p_tokens <> 0 or p_cost_nano_usd <> 0 then
                    insert into quota_holds (reservation_id, kind, id, slot, tokens, cost_nano_usd, expires_at)
                    select p_id, r.kind, r.id, v_slot, p_tokens, p_cost_nano_usd, v_expires
                    from unnest(p_kinds, p_ids) as r (kind, id);
                end if;

                for i in 1 .. v_n loop
                    requests_hour[i] := requests_hour[i] + 1;
                    tokens_hour[i] := tokens_hour[i] + p_tokens;
                    tokens_day[i] := tokens_day[i] + p_tokens;
                    tokens_month[i] := tokens_month[i] + p_tokens;
                    cost_day[i] := cost_day[i] + p_cost_nano_usd;
                    cost_month[i] := cost_month[i] + p_cost_nano_usd;
                    oldest_request_slot[i] := coalesce(oldest_request_slot[i], v_slot);
                    if p_tokens > 0 then
                        oldest_token_slot[i] := coalesce(oldest_token_slot[i], v_slot);
                    end if;
                end loop;
            end if;
            return next;
        end;
        $$;

        -- Settles a reservation: drops its holds, counts the actual tokens and cost in the slot, day and month the holds
        -- were counted in (the request stays counted), and appends the usage record, all in one transaction. An unknown
        -- or already settled reservation changes nothing, and the record is appended all the same. Takes no scope lock:
        -- readers count in one statement, so they see the holds or the actuals, never neither.
        create function quota_settle_v1(
            p_id text, p_tokens bigint, p_cost_nano_usd bigint, p_now timestamptz,
            p_arrived_at timestamptz, p_correlation_id text, p_key_id text, p_team_id text, p_org_id text,
            p_endpoint text, p_model text, p_provider text, p_input_tokens bigint, p_output_tokens bigint,
            p_cost_usd numeric, p_latency_ms bigint, p_verdict text, p_status_code integer)
        returns boolean
        language plpgsql
        set plan_cache_mode = force_generic_plan
        as $$
        #variable_conflict use_column
        declare
            v_now timestamptz := coalesce(p_now, now());
            v_reservation quota_reservations%rowtype;
            v_settled boolean;
            v_at timestamp;
        begin
            delete from quota_reservations where id = p_id returning * into v_reservation;
            v_settled := found;
            if v_settled then
                delete from quota_holds where reservation_id = p_id;
                v_at := to_timestamp(v_reservation.slot * 60) at time zone 'UTC';
                if p_tokens <> 0 and v_reservation.slot >= floor(extract(epoch from v_now) / 60)::bigint - 60 then
                    insert into quota_minutes (kind, id, slot, requests, tokens)
                    select r.kind, r.id, v_reservation.slot, 0, p_tokens
                    from unnest(v_reservation.kinds, v_reservation.ids) as r (kind, id)
                    order by r.kind, r.id collate "C"
                    on conflict (kind, id, slot) do update set tokens = quota_minutes.tokens + excluded.tokens;
                end if;
                if p_tokens <> 0 or p_cost_nano_usd <> 0 then
                    insert into quota_days (kind, id, day, tokens, cost_nano_usd)
                    select r.kind, r.id, v_at::date, p_tokens, p_cost_nano_usd
                    from unnest(v_reservation.kinds, v_reservation.ids) as r (kind, id)
                    order by r.kind, r.id collate "C"
                    on conflict (kind, id, day) do update
                    set tokens = quota_days.tokens + excluded.tokens,
                        cost_nano_usd = quota_days.cost_nano_usd + excluded.cost_nano_usd;

                    insert into quota_months (kind, id, month, tokens, cost_nano_usd)
                    select r.kind, r.id, date_trunc('month', v_at)::date, p_tokens, p_cost_nano_usd
                    from unnest(v_reservation.kinds, v_reservation.ids) as r (kind, id)
                    order by r.kind, r.id collate "C"
                    on conflict (kind, id, month) do update
                    set tokens = quota_months.tokens + excluded.tokens,
                        cost_nano_usd = quota_months.cost_nano_usd + excluded.cost_nano_usd;
                end if;
            end if;

            insert into usage_records (
                arrived_at, correlation_id, key_id, team_id, org_id, endpoint, model, provider,
                input_tokens, output_tokens, cost_usd, latency_ms, verdict, status_code)
            values (
                p_arrived_at, p_correlation_id, p_key_id, p_team_id, p_org_id, p_endpoint, p_model, p_provider,
                p_input_tokens, p_output_tokens, p_cost_usd, p_latency_ms, p_verdict, p_status_code);
            return v_settled;
        end;
        $$;
        """;

    // Idempotency records (issue 6). state: 0 in progress (owner, lease_until), 1 completed (status_code, headers, body),
    // 2 uncertain. expires_at ends the record's retention; the key is free after it.
    private const string V2 = """
        create table idempotency_records (
            key_id text not null,
            idempotency_key text not null,
            fingerprint bytea not null,
            state smallint not null,
            owner text,
            created_at timestamptz not null,
            lease_until timestamptz not null,
            expires_at timestamptz not null,
            status_code integer,
            headers text,
            body bytea,
            primary key (key_id, idempotency_key)
        );
        create index idempotency_records_expires_at on idempotency_records (expires_at);

        -- Claims a key, or reports what holds it, in one statement. A free key (no row, or a row past its retention) is
        -- taken by the insert; otherwise the conflicting row stays locked by it, so racing claims queue on the row and each
        -- sees the state the one before left. An in-progress row whose lease ran out (its instance died) turns uncertain.
        -- status: 0 claimed, 1 in progress, 2 completed (with status_code, headers, body), 3 uncertain, 4 fingerprint mismatch.
        create function idempotency_claim_v1(
            p_key_id text, p_key text, p_fingerprint bytea, p_owner text,
            p_lease_microseconds bigint, p_retention_microseconds bigint, p_now timestamptz)
        returns table (status smallint, status_code integer, headers text, body bytea)
        language plpgsql
        set plan_cache_mode = force_generic_plan
        as $$
        #variable_conflict use_column
        declare
            v_now timestamptz := coalesce(p_now, now());
            v_row idempotency_records%rowtype;
            v_claimed boolean;
        begin
            insert into idempotency_records as r (
                key_id, idempotency_key, fingerprint, state, owner, created_at, lease_until, expires_at)
            values (
                p_key_id, p_key, p_fingerprint, 0, p_owner, v_now,
                v_now + p_lease_microseconds * interval '1 microsecond',
                v_now + p_retention_microseconds * interval '1 microsecond')
            on conflict (key_id, idempotency_key) do update
            set fingerprint = excluded.fingerprint, state = 0, owner = excluded.owner, created_at = excluded.created_at,
                lease_until = excluded.lease_until, expires_at = excluded.expires_at,
                status_code = null, headers = null, body = null
            where r.expires_at <= v_now
            returning true into v_claimed;
            if v_claimed then
                return query select 0::smallint, null::integer, null::text, null::bytea;
                return;
            end if;

            select * into v_row from idempotency_records x
            where x.key_id = p_key_id and x.idempotency_key = p_key;
            if v_row.fingerprint <> p_fingerprint then
                return query select 4::smallint, null::integer, null::text, null::bytea;
            elsif v_row.state = 1 then
                return query select 2::smallint, v_row.status_code, v_row.headers, v_row.body;
            elsif v_row.state = 0 and v_row.lease_until > v_now then
                return query select 1::smallint, null::integer, null::text, null::bytea;
            else
                if v_row.state = 0 then
                    update idempotency_records x
                    set state = 2, owner = null, expires_at = v_now + p_retention_microseconds * interval '1 microsecond'
                    where x.key_id = p_key_id and x.idempotency_key = p_key;
                end if;
                return query select 3::smallint, null::integer, null::text, null::bytea;
            end if;
        end;
        $$;
        """;
}
