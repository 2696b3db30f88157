using System.Globalization;
using StackExchange.Redis;

namespace Watchdog.Agent.Fleet;

/// <summary>
/// The fleet on Redis 7: the decision log is a Stream (<c>{prefix}:log</c>, XADD MAXLEN ~), live bans are hashes
/// <c>{prefix}:ban:{address}</c> that expire at the ban's end (PEXPIREAT), and <c>{prefix}:wake</c> is a pub/sub
/// channel that says "read the log". Authenticated as an ACL user; TLS with <c>rediss://</c>.
/// </summary>
public sealed class RedisFleetBroker : IFleetBroker
{
    private readonly FleetOptions _options;
    private readonly string _password;
    private readonly RedisKey _log;
    private readonly RedisChannel _wake;
    private ConnectionMultiplexer? _redis;

    /// <summary>Creates the broker (not connected).</summary>
    public RedisFleetBroker(FleetOptions options, string password)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _password = password;
        _log = options.KeyPrefix + ":log";
        _wake = RedisChannel.Literal(options.KeyPrefix + ":wake");
        var uri = new Uri(options.BrokerUrl);
        Description = $"{uri.Scheme}://{uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)} as {options.User}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public bool IsConnected => _redis?.IsConnected == true;

    /// <inheritdoc />
    public event Action? Wake;

    /// <inheritdoc />
    public event Action<string>? Failed;

    /// <inheritdoc />
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var uri = new Uri(_options.BrokerUrl);
        var config = new ConfigurationOptions
        {
            EndPoints = { { uri.Host, uri.Port > 0 ? uri.Port : 6379 } },
            User = _options.User,
            Password = _password,
            Ssl = uri.Scheme == "rediss",
            AbortOnConnectFail = false,
            ClientName = "watchdog-" + _options.AgentName,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
            AsyncTimeout = 5000,
            ReconnectRetryPolicy = new ExponentialRetry((int)_options.ReconnectInitialDelay.TotalMilliseconds, (int)_options.ReconnectMaxDelay.TotalMilliseconds),
            // The client tries to reconnect only on a heartbeat (1 s by default), so the first retries could not come
            // sooner than a second after the broker is back: beat as often as the first back-off step, at most once a second.
            HeartbeatInterval = TimeSpan.FromTicks(Math.Min(_options.ReconnectInitialDelay.Ticks, TimeSpan.TicksPerSecond)),
            // The ACL user may touch only our prefix: no server-wide configuration channel, no tie-breaker key.
            ConfigurationChannel = "",
            TieBreaker = "",
        };
        ConnectionMultiplexer? redis = null;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(cancellationToken).ConfigureAwait(false);
            // Unreachable at start: the client returns unconnected (AbortOnConnectFail=false) and the subscription
            // fails. That is a failed connect like any other, retried by the caller, never an exception that ends it.
            await redis.GetSubscriber().SubscribeAsync(_wake, (_, _) => Wake?.Invoke()).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            if (redis is not null)
            {
                await redis.DisposeAsync().ConfigureAwait(false);
            }
            throw new FleetBrokerException($"cannot connect to {Description}: {Redact(e.Message)}", e);
        }

        redis.ConnectionFailed += (_, e) => Failed?.Invoke($"{e.FailureType}: {Redact(e.Exception?.Message ?? "")}");
        redis.ConnectionRestored += (_, _) => Wake?.Invoke();
        _redis = redis;
    }

    /// <inheritdoc />
    public async Task PublishAsync(FleetDecision decision, string signature, CancellationToken cancellationToken)
    {
        var db = Database();
        var fields = decision.ToFields(signature);
        var key = BanKey(decision.Address);
        // Pipelined, not MULTI/EXEC: redis-server 7.0 cannot reload a transaction of an ACL user from its
        // append-only file (NOPERM at load), which would lose the log on a restart. The log entry goes first and
        // is the truth; a retry after a partial failure repeats the same decision id, which receivers apply once.
        await Call(async () =>
        {
            await db.StreamAddAsync(_log, [.. fields.Select(f => new NameValueEntry(f.Key, f.Value))],
                maxLength: _options.StreamMaxLength, useApproximateMaxLength: true).ConfigureAwait(false);
            if (decision.Action == FleetDecision.Ban)
            {
                var set = db.HashSetAsync(key, [.. fields.Select(f => new HashEntry(f.Key, f.Value))]);
                var expire = db.KeyExpireAsync(key, decision.Until.UtcDateTime);
                await Task.WhenAll(set, expire).ConfigureAwait(false);
            }
            else
            {
                await db.KeyDeleteAsync(key).ConfigureAwait(false);
            }

            await db.PublishAsync(_wake, "1").ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FleetEnvelope>> ReadActiveAsync(CancellationToken cancellationToken) => Call<IReadOnlyList<FleetEnvelope>>(async () =>
    {
        var db = Database();
        var server = _redis!.GetServers().First(s => s.IsConnected);
        var result = new List<FleetEnvelope>();
        await foreach (var key in server.KeysAsync(pattern: _options.KeyPrefix + ":ban:*", pageSize: 500).ConfigureAwait(false))
        {
            var entries = await db.HashGetAllAsync(key).ConfigureAwait(false);
            if (entries.Length > 0)
            {
                result.Add(new FleetEnvelope("", entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal)));
            }
        }

        return result;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<FleetEnvelope>> ReadLogAsync(string? afterPosition, DateTimeOffset since, int max, CancellationToken cancellationToken) =>
        Call<IReadOnlyList<FleetEnvelope>>(async () =>
        {
            RedisValue from = afterPosition is null
                ? since.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "-0"
                : "(" + afterPosition;
            var entries = await Database().StreamRangeAsync(_log, from, "+", max).ConfigureAwait(false);
            return [.. entries.Select(e => new FleetEnvelope(e.Id.ToString(),
                e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString(), StringComparer.Ordinal)))];
        }, cancellationToken);

    /// <inheritdoc />
    public Task<string?> LastPositionAsync(CancellationToken cancellationToken) => Call(async () =>
    {
        var last = await Database().StreamRangeAsync(_log, "-", "+", 1, Order.Descending).ConfigureAwait(false);
        return last.Length == 0 ? null : (string?)last[0].Id.ToString();
    }, cancellationToken);

    /// <inheritdoc />
    public bool IsAfter(string a, string b) => Parse(a).CompareTo(Parse(b)) > 0;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_redis is { } redis)
        {
            await redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static (long Ms, long Seq) Parse(string position)
    {
        var dash = position.IndexOf('-', StringComparison.Ordinal);
        return dash < 0
            ? (long.Parse(position, CultureInfo.InvariantCulture), 0)
            : (long.Parse(position.AsSpan(0, dash), CultureInfo.InvariantCulture), long.Parse(position.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }

    private RedisKey BanKey(string address) => _options.KeyPrefix + ":ban:" + address;

    private IDatabase Database() => _redis?.GetDatabase() ?? throw new FleetBrokerException("not connected");

    private async Task<T> Call<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            throw new FleetBrokerException($"{Description}: {Redact(e.Message)}", e);
        }
        catch (RedisTimeoutException e)
        {
            // Not a RedisException: commands queued while the broker is away time out.
            throw new FleetBrokerException($"{Description}: {Redact(e.Message)}", e);
        }
        catch (InvalidOperationException e) when (e is not ObjectDisposedException)
        {
            // No connected server to run on.
            throw new FleetBrokerException($"{Description}: {Redact(e.Message)}", e);
        }
    }

    private string Redact(string text) =>
        string.IsNullOrEmpty(_password) ? text : text.Replace(_password, "***", StringComparison.Ordinal);
}
