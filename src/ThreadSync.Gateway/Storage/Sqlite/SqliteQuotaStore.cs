using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// Reservations in SQLite: counters per scope in one-minute slots (<c>m</c>), UTC days (<c>d</c>) and UTC months
/// (<c>M</c>), each holding requests, tokens and nano-USD (settled usage plus outstanding holds), and one row per
/// outstanding hold to settle or release. Reserve and settle each run in one <c>BEGIN IMMEDIATE</c> transaction on the
/// writer connection; time is the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The writer keeps a copy of the counter rows it has read, per scope, and applies its own changes to the copy as it
/// writes them, so a reservation reads no rows (a busy scope has 60 minute slots). The copy is dropped whenever it may be
/// stale (<see cref="SqliteDatabase.WriterGeneration"/>: another process committed, or a write was rolled back) and
/// every minute when old rows are pruned. Likewise the earliest expiry of the outstanding holds is remembered, so
/// expired holds are looked for only once one can have expired.
/// </remarks>
internal sealed class SqliteQuotaStore : IQuotaStore
{
    /// <summary>Slots counted before the current one: the current minute and the 60 before it make the sliding hour.</summary>
    private const long WindowSlots = 60;

    /// <summary>A slot stops counting this many minutes after it began.</summary>
    private const long SlotLifetimeMinutes = WindowSlots + 1;

    /// <summary>SQLITE_CONSTRAINT_PRIMARYKEY.</summary>
    private const int SqlitePrimaryKeyConstraint = 1555;

    private const string SelectExpired = "SELECT id, scopes, minute, day, month, tokens, nano_usd FROM reservations WHERE released = 0 AND expires_at <= $now";
    private const string MarkReleased = "UPDATE reservations SET released = 1 WHERE id = $id";
    private const string TakeReservation = "DELETE FROM reservations WHERE id = $id RETURNING scopes, minute, day, month, tokens, nano_usd, released";
    private const string InsertReservation = """
        INSERT INTO reservations (id, scopes, minute, day, month, tokens, nano_usd, expires_at)
        VALUES ($id, $scopes, $minute, $day, $month, $tokens, $nano, $expires)
        """;

    private const string SelectCounters = "SELECT period, start, requests, tokens, nano_usd FROM quota_counters WHERE scope_kind = $kind AND scope_id = $id ORDER BY period, start";

    private const string Prune = """
        DELETE FROM quota_counters WHERE period = 'm' AND start < $minute;
        DELETE FROM quota_counters WHERE period = 'd' AND start < $day;
        DELETE FROM quota_counters WHERE period = 'M' AND start < $month;
        DELETE FROM reservations WHERE released = 1 AND expires_at < $released;
        """;

    private static readonly string[] UpsertSql = new string[8];
    private static readonly string[][] UpsertParameters = new string[8][];
    private static readonly string[] AdjustSql = new string[8];
    private static readonly string[][] AdjustParameters = new string[8][];

    private readonly SqliteDatabase _db;

    // Touched only on the writer thread.
    private readonly List<List<Slot>> _slots = [];
    private readonly Dictionary<(long Kind, string Id), List<CounterRow>> _counters = [];
    private long _prunedMinute = -1;
    private long _cacheGeneration = long.MinValue;

    /// <summary>The earliest expiry (UTC ticks) among holds not released, <see cref="long.MaxValue"/> for none, or null when unknown.</summary>
    private long? _nextExpiry;

    public SqliteQuotaStore(SqliteDatabase db) => _db = db;

    public ValueTask<QuotaDecision> ReserveAsync(QuotaReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(reservation.Scopes);
        ArgumentOutOfRangeException.ThrowIfNegative(reservation.Tokens);
        ArgumentOutOfRangeException.ThrowIfNegative(reservation.CostNanoUsd);
        return _db.WriteAsync((this, reservation), static (s, state) => state.Item1.Reserve(s, state.reservation), cancellationToken);
    }

    public ValueTask<bool> SettleAsync(string reservationId, UsageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservationId);
        ArgumentNullException.ThrowIfNull(record);
        return _db.WriteAsync((this, reservationId, record), static (s, state) => state.Item1.Settle(s, state.reservationId, state.record), cancellationToken);
    }

    public ValueTask<QuotaCounts> GetCountsAsync(QuotaScopeKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);

        // On the writer, so holds past their time are released before counting.
        return _db.WriteAsync((this, kind, id), static (s, state) =>
        {
            var (store, kind, id) = state;
            var now = store._db.TimeProvider.GetUtcNow();
            store.UseCurrentCache();
            store.ReleaseExpiredIfDue(s, now);
            var clock = new Clock(now);
            var usage = store.Load(s, kind, id, clock, slots: null);
            return new QuotaCounts(usage.HourRequests, usage.HourTokens, usage.DayTokens, usage.MonthTokens, usage.DayNano, usage.MonthNano);
        }, cancellationToken);
    }

    /// <summary>Drops the in-memory copies when the writer's generation moved (see the class remarks).</summary>
    private void UseCurrentCache()
    {
        var generation = _db.WriterGeneration;
        if (generation != _cacheGeneration)
        {
            _counters.Clear();
            _nextExpiry = null;
            _cacheGeneration = generation;
        }
    }

    /// <summary>Releases holds past their time, when one can be: the earliest expiry is known, or looked up again after each release.</summary>
    private void ReleaseExpiredIfDue(SqliteSession s, DateTimeOffset now)
    {
        if (_nextExpiry is { } next && SqliteValues.Ticks(now) < next)
        {
            return;
        }

        ReleaseExpired(s, now);
        var earliest = s.Command("SELECT MIN(expires_at) FROM reservations WHERE released = 0").ExecuteScalar();
        _nextExpiry = earliest is long ticks ? ticks : long.MaxValue;
    }

    private void ReleaseExpired(SqliteSession s, DateTimeOffset now)
    {
        var select = s.Command(SelectExpired, "$now");
        select.Set(0, SqliteValues.Ticks(now));
        List<(string Id, string Scopes, long Minute, long Day, long Month, long Tokens, long Nano)>? expired = null;
        using (var r = select.ExecuteReader())
        {
            while (r.Read())
            {
                (expired ??= []).Add((r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)));
            }
        }

        if (expired is null)
        {
            return;
        }

        var mark = s.Command(MarkReleased, "$id");
        foreach (var hold in expired)
        {
            // The hold's tokens and cost go; its request stays counted.
            Adjust(s, hold.Scopes, hold.Minute, hold.Day, hold.Month, -hold.Tokens, -hold.Nano);
            mark.Set(0, hold.Id);
            mark.ExecuteNonQuery();
        }
    }

    private bool Settle(SqliteSession s, string reservationId, UsageRecord record)
    {
        UseCurrentCache();
        SqliteUsageLedger.Insert(s, record);

        // One statement takes the hold and returns what it counted.
        var take = s.Command(TakeReservation, "$id");
        take.Set(0, reservationId);
        string scopes;
        long minute, day, month, heldTokens, heldNano;
        using (var r = take.ExecuteReader())
        {
            if (!r.Read())
            {
                return false;
            }

            scopes = r.GetString(0);
            minute = r.GetInt64(1);
            day = r.GetInt64(2);
            month = r.GetInt64(3);
            var released = r.GetInt64(6) != 0;

            // A released hold no longer counts: its settlement adds the actuals alone.
            heldTokens = released ? 0 : r.GetInt64(4);
            heldNano = released ? 0 : r.GetInt64(5);
        }

        var tokens = record.TotalTokens - heldTokens;
        var nano = NanoUsd.FromUsd(record.CostUsd) - heldNano;
        if (tokens != 0 || nano != 0)
        {
            Adjust(s, scopes, minute, day, month, tokens, nano);
        }

        return true;
    }

    /// <summary>Adds tokens and cost to a reservation's slot, day and month on each of its scopes (where the rows still exist), in one statement.</summary>
    private void Adjust(SqliteSession s, string scopesJson, long minute, long day, long month, long tokens, long nano)
    {
        var stored = JsonSerializer.Deserialize(scopesJson, SqliteJsonContext.Default.StringArray)!;
        var scopes = new (long Kind, string Id)[stored.Length];
        for (var i = 0; i < stored.Length; i++)
        {
            scopes[i] = ParseScope(stored[i]);
        }

        var (sql, names) = AdjustCommand(scopes.Length);
        var adjust = s.Command(sql, names);
        adjust.Set(0, minute);
        adjust.Set(1, day);
        adjust.Set(2, month);
        adjust.Set(3, tokens);
        adjust.Set(4, nano);
        for (var i = 0; i < scopes.Length; i++)
        {
            adjust.Set(5 + (2 * i), scopes[i].Kind);
            adjust.Set(6 + (2 * i), scopes[i].Id);
        }

        adjust.ExecuteNonQuery();
        foreach (var scope in scopes)
        {
            if (_counters.TryGetValue(scope, out var rows))
            {
                // As the UPDATE: rows that exist change, none is created.
                Add(rows, 'm', minute, 0, tokens, nano, create: false);
                Add(rows, 'd', day, 0, tokens, nano, create: false);
                Add(rows, 'M', month, 0, tokens, nano, create: false);
            }
        }
    }

    /// <summary>A scope as stored in a reservation's <c>scopes</c> (<c>kind:id</c>).</summary>
    private static (long Kind, string Id) ParseScope(string scope)
    {
        var colon = scope.IndexOf(':', StringComparison.Ordinal);
        return (long.Parse(scope.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture), scope[(colon + 1)..]);
    }

    /// <summary>One statement adding tokens and cost to the slot, day and month rows of every scope that exist.</summary>
    private static (string Sql, string[] Names) AdjustCommand(int count) =>
        PerScopeCommand(
            AdjustSql,
            AdjustParameters,
            count,

            // UPDATE ... FROM, not a four-column row-value IN: SQLite searches the primary key for each row of the
            // VALUES list, where the IN form scans the table.
            "UPDATE quota_counters SET tokens = quota_counters.tokens + $tokens, nano_usd = quota_counters.nano_usd + $nano FROM (VALUES ",
            static (kind, id) => $"({kind}, {id}, 'm', $minute), ({kind}, {id}, 'd', $day), ({kind}, {id}, 'M', $month)",
            ") AS v WHERE quota_counters.scope_kind = v.column1 AND quota_counters.scope_id = v.column2 AND quota_counters.period = v.column3 AND quota_counters.start = v.column4");

    /// <summary>Adds to the copied row of a period and start, or creates it (in order) when asked and missing.</summary>
    private static void Add(List<CounterRow> rows, char period, long start, long requests, long tokens, long nano, bool create)
    {
        var at = 0;
        for (; at < rows.Count; at++)
        {
            var row = rows[at];
            var order = row.Period != period ? row.Period.CompareTo(period) : row.Start.CompareTo(start);
            if (order == 0)
            {
                row.Requests += requests;
                row.Tokens += tokens;
                row.Nano += nano;
                return;
            }

            if (order > 0)
            {
                break;
            }
        }

        if (create)
        {
            rows.Insert(at, new CounterRow(period, start) { Requests = requests, Tokens = tokens, Nano = nano });
        }
    }

    /// <summary>The counter rows of a scope, in (period, start) order: the in-memory copy, read from the database on first use.</summary>
    private List<CounterRow> Rows(SqliteSession s, QuotaScopeKind kind, string id)
    {
        if (_counters.TryGetValue(((long)kind, id), out var rows))
        {
            return rows;
        }

        var select = s.Command(SelectCounters, "$kind", "$id");
        select.Set(0, (long)kind);
        select.Set(1, id);
        rows = [];
        using (var r = select.ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add(new CounterRow(r.GetString(0)[0], r.GetInt64(1)) { Requests = r.GetInt64(2), Tokens = r.GetInt64(3), Nano = r.GetInt64(4) });
            }
        }

        _counters[((long)kind, id)] = rows;
        return rows;
    }

    private ScopeUsage Load(SqliteSession s, QuotaScopeKind kind, string id, in Clock clock, List<Slot>? slots)
    {
        var usage = default(ScopeUsage);
        foreach (var row in Rows(s, kind, id))
        {
            switch (row.Period)
            {
                case 'm' when row.Start >= clock.Minute - WindowSlots:
                    usage.HourRequests += row.Requests;
                    usage.HourTokens += row.Tokens;
                    slots?.Add(new Slot(row.Start, row.Requests, row.Tokens));
                    break;
                case 'd' when row.Start == clock.Day:
                    usage.DayTokens = row.Tokens;
                    usage.DayNano = row.Nano;
                    break;
                case 'M' when row.Start == clock.Month:
                    usage.MonthTokens = row.Tokens;
                    usage.MonthNano = row.Nano;
                    break;
            }
        }

        return usage;
    }

    /// <summary>How long until enough of the counted slots slide out of the hour to free <paramref name="needed"/>; the full hour if they never can.</summary>
    private static TimeSpan RateRetryAfter(List<Slot> slots, long needed, bool tokens, in Clock clock)
    {
        long freed = 0;
        foreach (var slot in slots)
        {
            freed += tokens ? slot.Tokens : slot.Requests;
            if (freed >= needed)
            {
                return clock.UntilSlotExpires(slot.Start);
            }
        }

        return TimeSpan.FromHours(1);
    }

    /// <summary>How long until the oldest counted use (of requests or tokens) slides out of the hour.</summary>
    private static TimeSpan RateReset(List<Slot> slots, bool tokens, bool addsToCurrent, in Clock clock)
    {
        foreach (var slot in slots)
        {
            if ((tokens ? slot.Tokens : slot.Requests) > 0)
            {
                return clock.UntilSlotExpires(slot.Start);
            }
        }

        return addsToCurrent ? clock.UntilSlotExpires(clock.Minute) : TimeSpan.Zero;
    }

    private static string ScopesJson(QuotaScope[] scopes)
    {
        var entries = new string[scopes.Length];
        for (var i = 0; i < scopes.Length; i++)
        {
            entries[i] = ((int)scopes[i].Kind).ToString(CultureInfo.InvariantCulture) + ":" + scopes[i].Id;
        }

        return JsonSerializer.Serialize(entries, SqliteJsonContext.Default.StringArray);
    }

    private static int CompareScopes(QuotaScope a, QuotaScope b)
    {
        var byKind = a.Kind.CompareTo(b.Kind);
        return byKind != 0 ? byKind : string.CompareOrdinal(a.Id, b.Id);
    }

    private void Upsert(SqliteSession s, QuotaScope[] scopes, in Clock clock, long tokens, long nano)
    {
        var (sql, names) = UpsertCommand(scopes.Length);
        var upsert = s.Command(sql, names);
        upsert.Set(0, clock.Minute);
        upsert.Set(1, clock.Day);
        upsert.Set(2, clock.Month);
        upsert.Set(3, tokens);
        upsert.Set(4, nano);
        for (var i = 0; i < scopes.Length; i++)
        {
            upsert.Set(5 + (2 * i), (long)scopes[i].Kind);
            upsert.Set(6 + (2 * i), scopes[i].Id);
        }

        upsert.ExecuteNonQuery();
        foreach (var scope in scopes)
        {
            if (_counters.TryGetValue(((long)scope.Kind, scope.Id), out var rows))
            {
                // As the upsert: one request, its tokens and cost on the slot, day and month, created when missing.
                Add(rows, 'm', clock.Minute, 1, tokens, nano, create: true);
                Add(rows, 'd', clock.Day, 1, tokens, nano, create: true);
                Add(rows, 'M', clock.Month, 1, tokens, nano, create: true);
            }
        }
    }

    /// <summary>One statement adding a request, its tokens and cost to the slot, day and month of every scope.</summary>
    private static (string Sql, string[] Names) UpsertCommand(int count) =>
        PerScopeCommand(
            UpsertSql,
            UpsertParameters,
            count,
            "INSERT INTO quota_counters (scope_kind, scope_id, period, start, requests, tokens, nano_usd) VALUES ",
            static (kind, id) => $"({kind}, {id}, 'm', $minute, 1, $tokens, $nano), ({kind}, {id}, 'd', $day, 1, $tokens, $nano), ({kind}, {id}, 'M', $month, 1, $tokens, $nano)",
            " ON CONFLICT (scope_kind, scope_id, period, start) DO UPDATE SET requests = requests + excluded.requests, tokens = tokens + excluded.tokens, nano_usd = nano_usd + excluded.nano_usd");

    /// <summary>
    /// A statement over <paramref name="count"/> scopes: parameters <c>$minute, $day, $month, $tokens, $nano</c>, then
    /// <c>$k{i}, $i{i}</c> (kind and id) per scope, whose rows <paramref name="rows"/> writes; kept per count.
    /// </summary>
    private static (string Sql, string[] Names) PerScopeCommand(string[] sqlCache, string[][] namesCache, int count, string head, Func<string, string, string> rows, string tail)
    {
        if (count < sqlCache.Length && sqlCache[count] is { } cached)
        {
            return (cached, namesCache[count]);
        }

        var names = new List<string> { "$minute", "$day", "$month", "$tokens", "$nano" };
        var sql = new StringBuilder(head);
        for (var i = 0; i < count; i++)
        {
            var kind = "$k" + i.ToString(CultureInfo.InvariantCulture);
            var id = "$i" + i.ToString(CultureInfo.InvariantCulture);
            names.Add(kind);
            names.Add(id);
            sql.Append(i == 0 ? string.Empty : ", ").Append(rows(kind, id));
        }

        sql.Append(tail);
        var result = (sql.ToString(), names.ToArray());
        if (count < sqlCache.Length)
        {
            namesCache[count] = result.Item2;
            sqlCache[count] = result.Item1;
        }

        return result;
    }

    private QuotaDecision Reserve(SqliteSession s, QuotaReservation reservation)
    {
        var now = _db.TimeProvider.GetUtcNow();
        var clock = new Clock(now);
        UseCurrentCache();
        ReleaseExpiredIfDue(s, now);
        PruneIfDue(s, clock);

        var scopes = reservation.Scopes.ToArray();
        Array.Sort(scopes, CompareScopes);
        var usages = new ScopeUsage[scopes.Length];
        while (_slots.Count < scopes.Length)
        {
            _slots.Add([]);
        }

        for (var i = 0; i < scopes.Length; i++)
        {
            _slots[i].Clear();
            if (scopes[i].Limits.Any)
            {
                usages[i] = Load(s, scopes[i].Kind, scopes[i].Id, clock, _slots[i]);
            }
        }

        var decision = Decide(scopes, usages, reservation, clock);
        if (decision.Granted)
        {
            Upsert(s, scopes, clock, reservation.Tokens, reservation.CostNanoUsd);
            var insert = s.Command(InsertReservation, "$id", "$scopes", "$minute", "$day", "$month", "$tokens", "$nano", "$expires");
            insert.Set(0, reservation.Id);
            insert.Set(1, ScopesJson(scopes));
            insert.Set(2, clock.Minute);
            insert.Set(3, clock.Day);
            insert.Set(4, clock.Month);
            insert.Set(5, reservation.Tokens);
            insert.Set(6, reservation.CostNanoUsd);
            var expires = (now + reservation.HoldFor).UtcTicks;
            insert.Set(7, expires);
            try
            {
                insert.ExecuteNonQuery();
                if (_nextExpiry is { } next)
                {
                    _nextExpiry = Math.Min(next, expires);
                }
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == SqlitePrimaryKeyConstraint)
            {
                // The transaction rolls back, counters included.
                throw new InvalidOperationException($"Reservation id '{reservation.Id}' is already held; reservation ids must be unique.", e);
            }
        }

        return decision;
    }

    private QuotaDecision Decide(QuotaScope[] scopes, ScopeUsage[] usages, QuotaReservation reservation, in Clock clock)
    {
        var tokens = reservation.Tokens;
        var cost = reservation.CostNanoUsd;
        QuotaDecision? refusal = null;
        for (var i = 0; i < scopes.Length && refusal is null; i++)
        {
            var limits = scopes[i].Limits;
            var used = usages[i];
            var slots = _slots[i];
            (QuotaLimitKind Kind, TimeSpan RetryAfter)? failed =
                limits.RequestsPerHour is { } rph && used.HourRequests + 1 > rph ? (QuotaLimitKind.RequestsPerHour, RateRetryAfter(slots, used.HourRequests + 1 - rph, tokens: false, clock))
                : limits.TokensPerHour is { } tph && used.HourTokens + tokens > tph ? (QuotaLimitKind.TokensPerHour, RateRetryAfter(slots, used.HourTokens + tokens - tph, tokens: true, clock))
                : limits.DailyTokens is { } dt && used.DayTokens + tokens > dt ? (QuotaLimitKind.DailyTokens, clock.UntilNextDay)
                : limits.MonthlyTokens is { } mt && used.MonthTokens + tokens > mt ? (QuotaLimitKind.MonthlyTokens, clock.UntilNextMonth)
                : limits.DailyUsd is { } du && used.DayNano + cost > NanoUsd.FromUsd(du) ? (QuotaLimitKind.DailyUsd, clock.UntilNextDay)
                : limits.MonthlyUsd is { } mu && used.MonthNano + cost > NanoUsd.FromUsd(mu) ? (QuotaLimitKind.MonthlyUsd, clock.UntilNextMonth)
                : null;
            if (failed is { } f)
            {
                refusal = new QuotaDecision
                {
                    Granted = false,
                    DeniedScope = scopes[i].Kind,
                    DeniedScopeId = scopes[i].Id,
                    DeniedLimit = f.Kind,
                    RetryAfter = f.RetryAfter,
                };
            }
        }

        var granted = refusal is null;
        var requests = Rate(scopes, usages, static l => l.RequestsPerHour, static u => u.HourRequests, granted ? 1 : 0, tokens: false, clock);
        var tokenRate = Rate(scopes, usages, static l => l.TokensPerHour, static u => u.HourTokens, granted ? tokens : 0, tokens: true, clock);
        return (refusal ?? new QuotaDecision { Granted = true }) with { Requests = requests, Tokens = tokenRate };
    }

    /// <summary>The rate of the scope with the least left of a sliding-hour limit, or <see langword="null"/> when no scope sets it.</summary>
    private QuotaRate? Rate(QuotaScope[] scopes, ScopeUsage[] usages, Func<QuotaLimits, long?> limitOf, Func<ScopeUsage, long> usedOf, long adding, bool tokens, in Clock clock)
    {
        QuotaRate? tightest = null;
        for (var i = 0; i < scopes.Length; i++)
        {
            if (limitOf(scopes[i].Limits) is not { } limit)
            {
                continue;
            }

            var remaining = Math.Max(0, limit - usedOf(usages[i]) - adding);
            if (tightest is null || remaining < tightest.Remaining)
            {
                tightest = new QuotaRate(limit, remaining, RateReset(_slots[i], tokens, adding > 0, clock));
            }
        }

        return tightest;
    }

    private void PruneIfDue(SqliteSession s, in Clock clock)
    {
        if (clock.Minute == _prunedMinute)
        {
            return;
        }

        // Keep a day and a month back, so a late settlement still finds the rows its hold was counted in.
        var prune = s.Command(Prune, "$minute", "$day", "$month", "$released");
        prune.Set(0, clock.Minute - WindowSlots);
        prune.Set(1, clock.Day - 1);
        prune.Set(2, clock.Month - 1);
        prune.Set(3, clock.Now.UtcTicks - TimeSpan.TicksPerDay);
        prune.ExecuteNonQuery();
        _prunedMinute = clock.Minute;

        // Rather than mirror the deletes, read the (few) rows again on next use.
        _counters.Clear();
    }

    /// <summary>The in-memory copy of one <c>quota_counters</c> row.</summary>
    private sealed class CounterRow(char period, long start)
    {
        public char Period { get; } = period;

        public long Start { get; } = start;

        public long Requests { get; set; }

        public long Tokens { get; set; }

        public long Nano { get; set; }
    }

    /// <summary>One minute slot of a scope's sliding hour.</summary>
    private readonly record struct Slot(long Start, long Requests, long Tokens);

    /// <summary>What is counted against one scope now.</summary>
    private struct ScopeUsage
    {
        public long HourRequests;
        public long HourTokens;
        public long DayTokens;
        public long DayNano;
        public long MonthTokens;
        public long MonthNano;
    }

    /// <summary>The periods of one instant: minute slot, UTC day and UTC month numbers.</summary>
    private readonly struct Clock
    {
        public Clock(DateTimeOffset now)
        {
            Now = now;
            Minute = now.UtcTicks / TimeSpan.TicksPerMinute;
            Day = now.UtcTicks / TimeSpan.TicksPerDay;
            var utc = now.UtcDateTime;
            Month = (utc.Year * 12L) + utc.Month - 1;
        }

        public DateTimeOffset Now { get; }

        public long Minute { get; }

        public long Day { get; }

        public long Month { get; }

        public TimeSpan UntilNextDay => TimeSpan.FromTicks(((Day + 1) * TimeSpan.TicksPerDay) - Now.UtcTicks);

        public TimeSpan UntilNextMonth
        {
            get
            {
                var utc = Now.UtcDateTime;
                var next = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
                return next - Now;
            }
        }

        public TimeSpan UntilSlotExpires(long slotStart) => TimeSpan.FromTicks(((slotStart + SlotLifetimeMinutes) * TimeSpan.TicksPerMinute) - Now.UtcTicks);
    }
}
