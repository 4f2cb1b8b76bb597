using Npgsql;
using ThreadSync.Gateway.Governance;
using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// Reservations and settlement in PostgreSQL, enforced across every instance sharing the database. Each call is one
/// statement, one round trip: <c>quota_reserve_v1</c> locks the scope rows in a fixed order, counts, checks and holds;
/// <c>quota_settle_v1</c> swaps the holds for the actuals and appends the usage record (see <see cref="PostgresMigrations"/>).
/// </summary>
internal sealed class PostgresQuotaStore : IQuotaStore
{
    private const string ReserveSql =
        "select scope_ord, granted, denied_ord, denied_limit, now_at, requests_hour, tokens_hour, hour_slots, hour_slot_requests, hour_slot_tokens "
        + "from quota_reserve_v1($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    private const string SettleSql =
        "select quota_settle_v1($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";

    private const string CountsSql =
        "select requests_hour, tokens_hour, tokens_day, tokens_month, cost_day, cost_month from quota_counts_v1($1, $2, coalesce($3, now()))";

    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresQuotaStore"/> class.</summary>
    /// <param name="database">The database.</param>
    public PostgresQuotaStore(PostgresDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc/>
    public async ValueTask<QuotaDecision> ReserveAsync(QuotaReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(reservation.Id);
        ArgumentNullException.ThrowIfNull(reservation.Scopes);
        ArgumentOutOfRangeException.ThrowIfNegative(reservation.Tokens);
        ArgumentOutOfRangeException.ThrowIfNegative(reservation.CostNanoUsd);
        ArgumentOutOfRangeException.ThrowIfLessThan(reservation.HoldFor, TimeSpan.Zero);

        var scopes = InCheckOrder(reservation.Scopes);
        var n = scopes.Count;
        var kinds = new short[n];
        var ids = new string[n];
        var requestsPerHour = new long?[n];
        var tokensPerHour = new long?[n];
        var dailyTokens = new long?[n];
        var monthlyTokens = new long?[n];
        var dailyNanoUsd = new long?[n];
        var monthlyNanoUsd = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var (kind, id, limits) = scopes[i];
            kinds[i] = (short)kind;
            ids[i] = id;
            requestsPerHour[i] = limits.RequestsPerHour;
            tokensPerHour[i] = limits.TokensPerHour;
            dailyTokens[i] = limits.DailyTokens;
            monthlyTokens[i] = limits.MonthlyTokens;
            dailyNanoUsd[i] = NanoUsdLimit(limits.DailyUsd);
            monthlyNanoUsd[i] = NanoUsdLimit(limits.MonthlyUsd);
        }

        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(ReserveSql);
        command.Parameters.Add(Text(reservation.Id));
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = kinds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = requestsPerHour });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = tokensPerHour });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = dailyTokens });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = monthlyTokens });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = dailyNanoUsd });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = monthlyNanoUsd });
        command.Parameters.Add(Bigint(reservation.Tokens));
        command.Parameters.Add(Bigint(reservation.CostNanoUsd));
        command.Parameters.Add(Bigint(reservation.HoldFor.Ticks / TimeSpan.TicksPerMicrosecond));
        command.Parameters.Add(_database.NowParameter());

        try
        {
            return await ReadDecisionAsync(command, reservation, scopes, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "quota_reservations_pkey")
        {
            throw new InvalidOperationException($"A reservation with id '{reservation.Id}' is already outstanding.", e);
        }
    }

    private static async Task<QuotaDecision> ReadDecisionAsync(NpgsqlCommand command, QuotaReservation reservation, List<QuotaScope> scopes, CancellationToken cancellationToken)
    {
        var n = scopes.Count;
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // One row per scope, in lock order, with its counts and minute slots (after this reservation when granted).
            var hour = new ScopeHour[n];
            bool granted = false;
            int denied = 0;
            var limit = QuotaLimitKind.RequestsPerHour;
            DateTimeOffset now = default;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                granted = reader.GetBoolean(1);
                denied = granted ? 0 : reader.GetInt32(2);
                limit = granted ? default : (QuotaLimitKind)reader.GetInt32(3);
                now = reader.GetFieldValue<DateTimeOffset>(4);
                var ordinal = reader.GetInt32(0);
                if (ordinal > 0)
                {
                    hour[ordinal - 1] = new ScopeHour(
                        reader.GetInt64(5),
                        reader.GetInt64(6),
                        reader.GetFieldValue<long[]>(7),
                        reader.GetFieldValue<long[]>(8),
                        reader.GetFieldValue<long[]>(9));
                }
            }

            var requests = Rate(scopes, hour, static l => l.RequestsPerHour, static h => h.Requests, static h => h.SlotRequests, now);
            var tokens = Rate(scopes, hour, static l => l.TokensPerHour, static h => h.Tokens, static h => h.SlotTokens, now);
            if (granted)
            {
                return new QuotaDecision { Granted = true, Requests = requests, Tokens = tokens };
            }

            var scope = scopes[denied - 1];
            var counted = hour[denied - 1];
            var retryAfter = limit switch
            {
                QuotaLimitKind.RequestsPerHour => SlideOut(counted.Requests, 1, scope.Limits.RequestsPerHour!.Value, counted.Slots, counted.SlotRequests, now),
                QuotaLimitKind.TokensPerHour => SlideOut(counted.Tokens, reservation.Tokens, scope.Limits.TokensPerHour!.Value, counted.Slots, counted.SlotTokens, now),
                QuotaLimitKind.DailyTokens or QuotaLimitKind.DailyUsd => NextUtcDay(now) - now,
                _ => NextUtcMonth(now) - now,
            };
            return new QuotaDecision
            {
                Granted = false,
                DeniedScope = scope.Kind,
                DeniedScopeId = scope.Id,
                DeniedLimit = limit,
                RetryAfter = retryAfter,
                Requests = requests,
                Tokens = tokens,
            };
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> SettleAsync(string reservationId, UsageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservationId);
        ArgumentNullException.ThrowIfNull(record);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(SettleSql);
        command.Parameters.Add(Text(reservationId));
        command.Parameters.Add(Bigint(record.TotalTokens));
        command.Parameters.Add(Bigint(NanoUsd.FromUsd(record.CostUsd)));
        command.Parameters.Add(_database.NowParameter());
        PostgresUsageLedger.AddRecord(command.Parameters, record);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public async ValueTask<QuotaCounts> GetCountsAsync(QuotaScopeKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(CountsSql);
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)kind });
        command.Parameters.Add(Text(id));
        command.Parameters.Add(_database.NowParameter());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new QuotaCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    /// <summary>
    /// Sorts scopes into the order limits are checked in (keys, teams, orgs; then by id, ordinal), merging a scope named
    /// twice into its stricter limits. The database locks them in its own fixed order (<c>ORDER BY kind, id COLLATE "C"</c>),
    /// the same for ids made of ASCII letters, digits, <c>_</c> and <c>-</c>.
    /// </summary>
    /// <param name="scopes">The reservation's scopes.</param>
    /// <returns>The scopes in check order, each once.</returns>
    internal static List<QuotaScope> InCheckOrder(IReadOnlyList<QuotaScope> scopes)
    {
        var sorted = new List<QuotaScope>(scopes.Count);
        foreach (var scope in scopes.OrderBy(s => s.Kind).ThenBy(s => s.Id, StringComparer.Ordinal))
        {
            if (sorted.Count > 0 && sorted[^1] is var last && last.Kind == scope.Kind && string.Equals(last.Id, scope.Id, StringComparison.Ordinal))
            {
                sorted[^1] = last with { Limits = last.Limits.CappedBy(scope.Limits) };
            }
            else
            {
                sorted.Add(scope);
            }
        }

        return sorted;
    }

    /// <summary>How long until enough counted minute slots slide out of the hour for a request needing <paramref name="need"/> to pass.</summary>
    /// <param name="counted">What the hour counts now.</param>
    /// <param name="need">What the request adds.</param>
    /// <param name="limit">The limit per hour.</param>
    /// <param name="slots">The counted slots (minutes since the Unix epoch), oldest first.</param>
    /// <param name="amounts">What each slot counts.</param>
    /// <param name="now">The store's time.</param>
    /// <returns>The wait; a full hour when the request could never pass.</returns>
    internal static TimeSpan SlideOut(long counted, long need, long limit, long[] slots, long[] amounts, DateTimeOffset now)
    {
        if (need > limit)
        {
            return TimeSpan.FromHours(1);
        }

        var left = counted;
        for (var i = 0; i < slots.Length; i++)
        {
            left -= amounts[i];
            if (left + need <= limit)
            {
                return Max(SlotEnd(slots[i]) - now, TimeSpan.Zero);
            }
        }

        return TimeSpan.FromHours(1);
    }

    /// <summary>When a minute slot stops counting: 61 minutes after it began.</summary>
    /// <param name="slot">The slot, in minutes since the Unix epoch.</param>
    /// <returns>The instant.</returns>
    internal static DateTimeOffset SlotEnd(long slot) => DateTimeOffset.FromUnixTimeSeconds((slot + 61) * 60);

    private static QuotaRate? Rate(
        List<QuotaScope> scopes, ScopeHour[] hour, Func<QuotaLimits, long?> limitOf, Func<ScopeHour, long> countedOf, Func<ScopeHour, long[]> slotAmountsOf, DateTimeOffset now)
    {
        QuotaRate? tightest = null;
        for (var i = 0; i < scopes.Count; i++)
        {
            if (limitOf(scopes[i].Limits) is not { } limit)
            {
                continue;
            }

            var remaining = Math.Max(0, limit - countedOf(hour[i]));
            if (tightest is null || remaining < tightest.Remaining)
            {
                // Until the oldest slot that counts anything slides out.
                var reset = TimeSpan.Zero;
                var amounts = slotAmountsOf(hour[i]);
                for (var j = 0; j < amounts.Length; j++)
                {
                    if (amounts[j] > 0)
                    {
                        reset = Max(SlotEnd(hour[i].Slots[j]) - now, TimeSpan.Zero);
                        break;
                    }
                }

                tightest = new QuotaRate(limit, remaining, reset);
            }
        }

        return tightest;
    }

    private static long? NanoUsdLimit(decimal? usd) => usd switch
    {
        null => null,
        >= long.MaxValue / 1_000_000_000L => long.MaxValue,
        { } value => NanoUsd.FromUsd(value),
    };

    private static DateTimeOffset NextUtcDay(DateTimeOffset now) => new(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

    private static DateTimeOffset NextUtcMonth(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
