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
        new(3, V3),
        new(4, V4),
        new(5, V5),
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

        -- One row per key, team or org ever reserved against: the row a reservation locks, holding what is counted
        -- against the scope (settled usage plus holds not yet released): the sliding hour as minute slots (minutes since
        -- the Unix epoch, ascending, with running totals), and the current UTC day and month.
        create table quota_scopes (
            kind smallint not null,
            id text not null,
            slots bigint[] not null default '{}',
            slot_requests bigint[] not null default '{}',
            slot_tokens bigint[] not null default '{}',
            hour_requests bigint not null default 0,
            hour_tokens bigint not null default 0,
            day date,
            day_tokens bigint not null default 0,
            day_cost_nano_usd bigint not null default 0,
            month date,
            month_tokens bigint not null default 0,
            month_cost_nano_usd bigint not null default 0,
            primary key (kind, id)
        );

        -- Outstanding reservations (deleted when settled), with the scopes (in lock order) and the minute slot they were counted in.
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

        -- A reservation's hold on each scope while the scope counts it: deleted when settled, or when a reservation on
        -- the scope finds it expired and releases it.
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
        create index quota_holds_expiry on quota_holds (kind, id, expires_at);

        -- arr with delta added at position i (unchanged when i is null).
        create function quota_array_add_v1(arr bigint[], i integer, delta bigint)
        returns bigint[]
        language sql immutable
        as $$
            select case when i is null then arr else arr[:i - 1] || (arr[i] + delta) || arr[i + 1:] end
        $$;

        -- Reserves one request on every scope, or on none. Scopes come sorted (keys, teams, orgs; then by id) with the
        -- limits in force (null: none). Locks the scope rows in that order, so racing reservations serialize per scope
        -- and never deadlock; releases the scopes' expired holds; checks every limit; and on success counts the request
        -- and holds the worst case. Returns one row per scope (one row with scope_ord 0 when there is none): the decision,
        -- and the scope's counts and minute slots, after the reservation when granted.
        create function quota_reserve_v1(
            p_id text, p_kinds smallint[], p_ids text[],
            p_requests_per_hour bigint[], p_tokens_per_hour bigint[], p_daily_tokens bigint[], p_monthly_tokens bigint[],
            p_daily_nano_usd bigint[], p_monthly_nano_usd bigint[],
            p_tokens bigint, p_cost_nano_usd bigint, p_hold_microseconds bigint, p_now timestamptz)
        returns table (
            scope_ord integer, granted boolean, denied_ord integer, denied_limit integer, now_at timestamptz,
            requests_hour bigint, tokens_hour bigint, tokens_day bigint, tokens_month bigint, cost_day bigint, cost_month bigint,
            hour_slots bigint[], hour_slot_requests bigint[], hour_slot_tokens bigint[])
        language plpgsql
        -- The statements are the same every call: plan them once per session, not on each call.
        set plan_cache_mode = force_generic_plan
        as $$
        #variable_conflict use_column
        declare
            v_now timestamptz := coalesce(p_now, now());
            v_slot bigint := floor(extract(epoch from v_now) / 60)::bigint;
            v_day date := (v_now at time zone 'UTC')::date;
            v_month date := date_trunc('month', v_now at time zone 'UTC')::date;
            v_expires timestamptz := v_now + p_hold_microseconds * interval '1 microsecond';
            v_n integer := coalesce(array_length(p_kinds, 1), 0);
            v_rows quota_scopes[];
            v_row quota_scopes;
            v_lock_kinds smallint[] := '{}';
            v_lock_ids text[] := '{}';
            v_rec record;
            v_released boolean := false;
            v_trimmed boolean := false;
            v_hold_day date;
            v_limit integer;
            v_i integer;
            v_j integer;
            v_k integer;
        begin
            granted := true;
            now_at := v_now;
            if v_n > 0 then
                -- Scope rows are created on first use, then locked and read, both in the fixed order.
                insert into quota_scopes (kind, id)
                select r.kind, r.id from unnest(p_kinds, p_ids) as r (kind, id)
                order by r.kind, r.id collate "C"
                on conflict do nothing;

                for v_rec in
                    select r.ord::integer as ord, s as scope
                    from quota_scopes s
                    join unnest(p_kinds, p_ids) with ordinality as r (kind, id, ord) on s.kind = r.kind and s.id = r.id
                    order by s.kind, s.id collate "C"
                    for update of s
                loop
                    v_rows[v_rec.ord] := v_rec.scope;
                    v_lock_kinds := v_lock_kinds || (v_rec.scope).kind;
                    v_lock_ids := v_lock_ids || (v_rec.scope).id;
                end loop;

                -- Holds past their time are released: their tokens and cost no longer count (their request does).
                -- Holds a concurrent settlement is deleting are skipped, and so still counted: never less than the truth.
                for v_rec in
                    delete from quota_holds
                    where ctid = any (array(
                        select h.ctid
                        from unnest(p_kinds, p_ids) as r (kind, id)
                        cross join lateral (
                            -- Per scope, so the (kind, id, expires_at) index serves whatever the statistics say.
                            select x.ctid from quota_holds x
                            where x.kind = r.kind and x.id = r.id and x.expires_at <= v_now
                            for update skip locked) h))
                    returning kind, id, slot, tokens, cost_nano_usd
                loop
                    v_i := 1;
                    while p_kinds[v_i] <> v_rec.kind or p_ids[v_i] <> v_rec.id loop
                        v_i := v_i + 1;
                    end loop;
                    v_row := v_rows[v_i];
                    v_j := array_position(v_row.slots, v_rec.slot);
                    if v_j is not null then
                        v_row.slot_tokens[v_j] := v_row.slot_tokens[v_j] - v_rec.tokens;
                        v_row.hour_tokens := v_row.hour_tokens - v_rec.tokens;
                    end if;
                    v_hold_day := (to_timestamp(v_rec.slot * 60) at time zone 'UTC')::date;
                    if v_row.day = v_hold_day then
                        v_row.day_tokens := v_row.day_tokens - v_rec.tokens;
                        v_row.day_cost_nano_usd := v_row.day_cost_nano_usd - v_rec.cost_nano_usd;
                    end if;
                    if v_row.month = date_trunc('month', v_hold_day)::date then
                        v_row.month_tokens := v_row.month_tokens - v_rec.tokens;
                        v_row.month_cost_nano_usd := v_row.month_cost_nano_usd - v_rec.cost_nano_usd;
                    end if;
                    v_rows[v_i] := v_row;
                    v_released := true;
                end loop;

                -- Slide the hour (slots stop counting 61 minutes after they began), roll the day and month, and check
                -- every limit: scopes in order, limits in QuotaLimitKind order; the first that would be passed refuses.
                for v_i in 1 .. v_n loop
                    v_row := v_rows[v_i];
                    v_k := 1;
                    while v_k <= coalesce(array_length(v_row.slots, 1), 0) and v_row.slots[v_k] < v_slot - 60 loop
                        v_row.hour_requests := v_row.hour_requests - v_row.slot_requests[v_k];
                        v_row.hour_tokens := v_row.hour_tokens - v_row.slot_tokens[v_k];
                        v_k := v_k + 1;
                    end loop;
                    if v_k > 1 then
                        v_row.slots := v_row.slots[v_k:];
                        v_row.slot_requests := v_row.slot_requests[v_k:];
                        v_row.slot_tokens := v_row.slot_tokens[v_k:];
                        v_trimmed := true;
                    end if;
                    if v_row.day is distinct from v_day then
                        v_row.day := v_day;
                        v_row.day_tokens := 0;
                        v_row.day_cost_nano_usd := 0;
                    end if;
                    if v_row.month is distinct from v_month then
                        v_row.month := v_month;
                        v_row.month_tokens := 0;
                        v_row.month_cost_nano_usd := 0;
                    end if;
                    v_rows[v_i] := v_row;

                    if granted then
                        v_limit := case
                            when p_requests_per_hour[v_i] is not null and v_row.hour_requests + 1 > p_requests_per_hour[v_i] then 0
                            when p_tokens_per_hour[v_i] is not null and v_row.hour_tokens + p_tokens > p_tokens_per_hour[v_i] then 1
                            when p_daily_tokens[v_i] is not null and v_row.day_tokens + p_tokens > p_daily_tokens[v_i] then 2
                            when p_monthly_tokens[v_i] is not null and v_row.month_tokens + p_tokens > p_monthly_tokens[v_i] then 3
                            when p_daily_nano_usd[v_i] is not null and v_row.day_cost_nano_usd + p_cost_nano_usd > p_daily_nano_usd[v_i] then 4
                            when p_monthly_nano_usd[v_i] is not null and v_row.month_cost_nano_usd + p_cost_nano_usd > p_monthly_nano_usd[v_i] then 5
                        end;
                        if v_limit is not null then
                            granted := false;
                            denied_ord := v_i;
                            denied_limit := v_limit;
                        end if;
                    end if;
                end loop;

                if granted then
                    -- First, so that an id already outstanding fails before anything else.
                    insert into quota_reservations (id, kinds, ids, slot, tokens, cost_nano_usd, expires_at)
                    values (p_id, v_lock_kinds, v_lock_ids, v_slot, p_tokens, p_cost_nano_usd, v_expires);

                    -- Count the request and hold the worst case in the current slot, day and month.
                    for v_i in 1 .. v_n loop
                        v_row := v_rows[v_i];
                        v_k := coalesce(array_length(v_row.slots, 1), 0);
                        if v_k > 0 and v_row.slots[v_k] = v_slot then
                            v_j := v_k;
                        elsif v_k = 0 or v_row.slots[v_k] < v_slot then
                            v_row.slots := v_row.slots || v_slot;
                            v_row.slot_requests := v_row.slot_requests || 0::bigint;
                            v_row.slot_tokens := v_row.slot_tokens || 0::bigint;
                            v_j := v_k + 1;
                        else
                            -- The clock went back: count in the slot it says, kept in order.
                            v_j := array_position(v_row.slots, v_slot);
                            if v_j is null then
                                v_j := 1;
                                while v_row.slots[v_j] < v_slot loop
                                    v_j := v_j + 1;
                                end loop;
                                v_row.slots := v_row.slots[:v_j - 1] || v_slot || v_row.slots[v_j:];
                                v_row.slot_requests := v_row.slot_requests[:v_j - 1] || 0::bigint || v_row.slot_requests[v_j:];
                                v_row.slot_tokens := v_row.slot_tokens[:v_j - 1] || 0::bigint || v_row.slot_tokens[v_j:];
                            end if;
                        end if;
                        v_row.slot_requests[v_j] := v_row.slot_requests[v_j] + 1;
                        v_row.slot_tokens[v_j] := v_row.slot_tokens[v_j] + p_tokens;
                        v_row.hour_requests := v_row.hour_requests + 1;
                        v_row.hour_tokens := v_row.hour_tokens + p_tokens;
                        v_row.day_tokens := v_row.day_tokens + p_tokens;
                        v_row.day_cost_nano_usd := v_row.day_cost_nano_usd + p_cost_nano_usd;
                        v_row.month_tokens := v_row.month_tokens + p_tokens;
                        v_row.month_cost_nano_usd := v_row.month_cost_nano_usd + p_cost_nano_usd;
                        v_rows[v_i] := v_row;
                    end loop;

                    if p_tokens <> 0 or p_cost_nano_usd <> 0 then
                        insert into quota_holds (reservation_id, kind, id, slot, tokens, cost_nano_usd, expires_at)
                        select p_id, r.kind, r.id, v_slot, p_tokens, p_cost_nano_usd, v_expires
                        from unnest(p_kinds, p_ids) as r (kind, id);
                    end if;
                end if;

                if granted or v_released then
                    update quota_scopes s
                    set slots = r.slots, slot_requests = r.slot_requests, slot_tokens = r.slot_tokens,
                        hour_requests = r.hour_requests, hour_tokens = r.hour_tokens,
                        day = r.day, day_tokens = r.day_tokens, day_cost_nano_usd = r.day_cost_nano_usd,
                        month = r.month, month_tokens = r.month_tokens, month_cost_nano_usd = r.month_cost_nano_usd
                    from unnest(v_rows) as r
                    where s.kind = r.kind and s.id = r.id;
                end if;

                -- About once a minute per scope (when its hour slid): forget reservations a day past their expiry.
                if v_trimmed then
                    delete from quota_reservations
                    where id in (
                        select x.id from quota_reservations x
                        where x.expires_at < v_now - interval '1 day'
                        order by x.expires_at
                        limit 1000
                        for update skip locked);
                end if;
            end if;

            if v_n = 0 then
                insert into quota_reservations (id, kinds, ids, slot, tokens, cost_nano_usd, expires_at)
                values (p_id, '{}', '{}', v_slot, p_tokens, p_cost_nano_usd, v_expires);
                scope_ord := 0;
                return next;
                return;
            end if;

            for v_i in 1 .. v_n loop
                v_row := v_rows[v_i];
                scope_ord := v_i;
                requests_hour := v_row.hour_requests;
                tokens_hour := v_row.hour_tokens;
                tokens_day := v_row.day_tokens;
                tokens_month := v_row.month_tokens;
                cost_day := v_row.day_cost_nano_usd;
                cost_month := v_row.month_cost_nano_usd;
                hour_slots := v_row.slots;
                hour_slot_requests := v_row.slot_requests;
                hour_slot_tokens := v_row.slot_tokens;
                return next;
            end loop;
        end;
        $$;

        -- Settles a reservation: replaces its holds with the actual tokens and cost in the slot, day and month they were
        -- counted in (a hold an expiry already released is not taken off again; the request stays counted), and appends
        -- the usage record, in one transaction. An unknown or already settled reservation changes nothing, and the record
        -- is appended all the same.
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
            v_reservation quota_reservations%rowtype;
            v_settled boolean;
            v_day date;
            v_month date;
            v_held_kinds smallint[];
            v_held_ids text[];
            v_tokens bigint;
            v_cost bigint;
            v_held boolean;
        begin
            delete from quota_reservations where id = p_id returning * into v_reservation;
            v_settled := found;
            if v_settled and cardinality(v_reservation.kinds) > 0 then
                v_day := (to_timestamp(v_reservation.slot * 60) at time zone 'UTC')::date;
                v_month := date_trunc('month', v_day)::date;

                -- The scopes that still count the hold (an expiry may have released it from some or all).
                with held as (delete from quota_holds h where h.reservation_id = p_id returning h.kind, h.id)
                select array_agg(held.kind), array_agg(held.id) into v_held_kinds, v_held_ids from held;

                -- Scope by scope, in the order the reservation locked them: the actuals, less the hold where it counts.
                -- A slot that slid out of the hour, a day or month that rolled over, no longer counts: left alone.
                for i in 1 .. cardinality(v_reservation.kinds) loop
                    v_held := false;
                    for j in 1 .. coalesce(cardinality(v_held_kinds), 0) loop
                        if v_held_kinds[j] = v_reservation.kinds[i] and v_held_ids[j] = v_reservation.ids[i] then
                            v_held := true;
                        end if;
                    end loop;
                    v_tokens := p_tokens - case when v_held then v_reservation.tokens else 0 end;
                    v_cost := p_cost_nano_usd - case when v_held then v_reservation.cost_nano_usd else 0 end;
                    if v_tokens <> 0 or v_cost <> 0 then
                        update quota_scopes s
                        set slot_tokens = quota_array_add_v1(s.slot_tokens, array_position(s.slots, v_reservation.slot), v_tokens),
                            hour_tokens = s.hour_tokens + case when v_reservation.slot = any(s.slots) then v_tokens else 0 end,
                            day_tokens = s.day_tokens + case when s.day = v_day then v_tokens else 0 end,
                            day_cost_nano_usd = s.day_cost_nano_usd + case when s.day = v_day then v_cost else 0 end,
                            month_tokens = s.month_tokens + case when s.month = v_month then v_tokens else 0 end,
                            month_cost_nano_usd = s.month_cost_nano_usd + case when s.month = v_month then v_cost else 0 end
                        where s.kind = v_reservation.kinds[i] and s.id = v_reservation.ids[i];
                    end if;
                end loop;
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

        -- What is counted against one scope at p_now: its counters for the current hour, day and month, less the holds
        -- that expired but no reservation has released yet (in the slot, day and month where they are still counted).
        create function quota_counts_v1(p_kind smallint, p_id text, p_now timestamptz)
        returns table (requests_hour bigint, tokens_hour bigint, tokens_day bigint, tokens_month bigint, cost_day bigint, cost_month bigint)
        language sql stable
        as $$
            with t as (
                select floor(extract(epoch from p_now) / 60)::bigint - 60 as hour_start,
                       (p_now at time zone 'UTC')::date as today,
                       date_trunc('month', p_now at time zone 'UTC')::date as this_month
            ), c as (
                select t.hour_start, t.today, t.this_month, s.*,
                       (extract(epoch from t.today::timestamp) / 60)::bigint as day_start,
                       (extract(epoch from t.this_month::timestamp) / 60)::bigint as month_start
                from t
                left join quota_scopes s on s.kind = p_kind and s.id = p_id
            ), e as (
                select coalesce(sum(h.tokens) filter (where h.slot >= c.hour_start and h.slot = any(c.slots)), 0) as tokens_hour,
                       coalesce(sum(h.tokens) filter (where h.slot >= c.day_start), 0) as tokens_day,
                       coalesce(sum(h.cost_nano_usd) filter (where h.slot >= c.day_start), 0) as cost_day,
                       coalesce(sum(h.tokens) filter (where h.slot >= c.month_start), 0) as tokens_month,
                       coalesce(sum(h.cost_nano_usd) filter (where h.slot >= c.month_start), 0) as cost_month
                from c
                left join quota_holds h on h.kind = p_kind and h.id = p_id and h.expires_at <= p_now
            )
            select coalesce((select sum(u.requests) from unnest(c.slots, c.slot_requests) as u (slot, requests) where u.slot >= c.hour_start), 0)::bigint,
                   (coalesce((select sum(u.tokens) from unnest(c.slots, c.slot_tokens) as u (slot, tokens) where u.slot >= c.hour_start), 0) - e.tokens_hour)::bigint,
                   case when c.day = c.today then c.day_tokens - e.tokens_day else 0 end::bigint,
                   case when c.month = c.this_month then c.month_tokens - e.tokens_month else 0 end::bigint,
                   case when c.day = c.today then c.day_cost_nano_usd - e.cost_day else 0 end::bigint,
                   case when c.month = c.this_month then c.month_cost_nano_usd - e.cost_month else 0 end::bigint
            from c, e
        $$;
        """;

    // The audit chain. audit_head is the one row every batch locks (select ... for update) before numbering and
    // hashing its records, so instances sharing the database extend one chain: no gaps, no forks. Its seq is -1
    // until the first batch writes the genesis record. Content lives beside the chain and is purged by expiry.
    private const string V2 = """
        create table audit_chain (
            seq bigint primary key,
            at timestamptz not null,
            kind text not null,
            correlation_id text,
            key_id text,
            org_id text,
            team_id text,
            endpoint text,
            model text,
            provider text,
            route_method text,
            verdict text,
            input_tokens bigint not null,
            output_tokens bigint not null,
            cost_usd numeric not null,
            latency_ms bigint not null,
            status_code integer not null,
            fallback_attempts integer not null,
            prompt_sha256 bytea,
            response_sha256 bytea,
            actor text,
            action text,
            target text,
            details text,
            prev_hash bytea not null,
            hash bytea not null
        );
        create index audit_chain_admin on audit_chain (seq) where kind = 'admin';

        create table audit_head (
            id smallint primary key check (id = 1),
            seq bigint not null,
            hash bytea not null
        );
        insert into audit_head (id, seq, hash) values (1, -1, decode(repeat('00', 32), 'hex'));

        create table audit_content (
            seq bigint primary key,
            prompt bytea,
            response bytea,
            expires_at timestamptz not null
        );
        create index audit_content_expires_at on audit_content (expires_at);
        """;

    // Idempotency records (issue 6). state: 0 in progress (owner, lease_until), 1 completed (status_code, headers, body),
    // 2 uncertain. expires_at ends the record's retention; the key is free after it.
    private const string V3 = """
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

    // Conversations (issue 8). turn_count is the number of turns, numbered 0 to turn_count - 1; summary_through is the
    // last turn the summary covers (-1 with no summary). Listings are newest updated_at first, ties by id (bytewise),
    // within an org: the indexes serve the org's, an owner's and the shared listings. Turns go with their conversation.
    private const string V4 = """
        create table conversations (
            id text collate "C" primary key,
            org_id text not null,
            subject_id text not null,
            title text,
            shared boolean not null,
            created_at timestamptz not null,
            updated_at timestamptz not null,
            turn_count bigint not null,
            summary text,
            summary_through bigint not null
        );
        create index conversations_org_updated on conversations (org_id, updated_at, id);
        create index conversations_subject_updated on conversations (org_id, subject_id, updated_at, id);
        create index conversations_shared_updated on conversations (org_id, updated_at, id) where shared;

        create table conversation_turns (
            conversation_id text collate "C" not null references conversations (id) on delete cascade,
            seq bigint not null,
            role text not null,
            content text,
            model text,
            correlation_id text,
            input_tokens bigint not null,
            output_tokens bigint not null,
            at timestamptz not null,
            primary key (conversation_id, seq)
        );
        """;

    // Browser-safe sessions (issue 9). Codes and tokens are kept only as their SHA-256. allowed_origins is a jsonb
    // array and access jsonb access rules. Share codes, sessions and nonces are purged by expires_at; a share code is
    // removed when it is redeemed, a used nonce stays until it expires. App clients list oldest first, ties by id.
    private const string V5 = """
        create table app_clients (
            id text collate "C" primary key,
            org_id text not null,
            name text not null,
            allowed_origins jsonb not null,
            access jsonb not null,
            session_lifetime_seconds bigint not null,
            created_at timestamptz not null,
            revoked_at timestamptz
        );
        create index app_clients_org_created on app_clients (org_id, created_at, id);
        create index app_clients_created on app_clients (created_at, id);

        create table share_codes (
            code_hash bytea primary key,
            app_client_id text not null,
            org_id text not null,
            key_id text not null,
            subject_id text not null,
            code_challenge text not null,
            created_at timestamptz not null,
            expires_at timestamptz not null
        );
        create index share_codes_expires_at on share_codes (expires_at);

        create table subject_sessions (
            id text primary key,
            token_hash bytea not null unique,
            hmac_key bytea not null,
            app_client_id text not null,
            org_id text not null,
            key_id text not null,
            subject_id text not null,
            origin text not null,
            created_at timestamptz not null,
            expires_at timestamptz not null,
            revoked_at timestamptz
        );
        create index subject_sessions_expires_at on subject_sessions (expires_at);

        create table session_nonces (
            session_id text not null,
            nonce text not null,
            expires_at timestamptz not null,
            primary key (session_id, nonce)
        );
        create index session_nonces_expires_at on session_nonces (expires_at);
        """;
}
