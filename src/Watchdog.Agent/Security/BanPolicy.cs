using System.Net;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary>What <see cref="BanPolicy.OnFailure"/> decided about one failure.</summary>
public enum FailureVerdict
{
    /// <summary>Counted; the address is still under <see cref="BanOptions.MaxRetry"/>.</summary>
    Counted,
    /// <summary>The address reached <see cref="BanOptions.MaxRetry"/> within <see cref="BanOptions.FindTime"/>: ban it.</summary>
    Ban,
    /// <summary>The address is whitelisted: never counted, never banned.</summary>
    Whitelisted,
    /// <summary>The address is banned already: not counted again.</summary>
    AlreadyBanned,
}

/// <summary>One address with failures but no ban yet (for <c>GET /api/bans/failures</c>).</summary>
/// <param name="Address">Canonical address text.</param>
/// <param name="Source">Where its latest failure was seen.</param>
/// <param name="Failures">Failures within <see cref="BanOptions.FindTime"/> (a ban comes at <see cref="BanOptions.MaxRetry"/>).</param>
/// <param name="LastFailureAt">Its latest failure.</param>
public sealed record PendingFailures(string Address, AttackSource Source, int Failures, DateTimeOffset LastFailureAt);

/// <summary>
/// The ban policy, pure and without I/O: the per-address sliding window (<see cref="BanOptions.MaxRetry"/> failures
/// within <see cref="BanOptions.FindTime"/>), the repeat-offender ban length (<see cref="BanOptions.BanTime"/> times
/// <see cref="BanOptions.RepeatFactor"/> per earlier offence, capped at <see cref="BanOptions.MaxBanTime"/>), the
/// whitelist check, and the global spike detector. Not thread-safe: <see cref="BanManager"/> calls it under its gate.
/// </summary>
public sealed class BanPolicy
{
    private readonly BanOptions _options;
    private readonly IpWhitelist _whitelist;
    private readonly Dictionary<IPAddress, Window> _windows = [];
    private readonly Dictionary<string, OffenceHistory> _offenders = new(StringComparer.Ordinal);
    private readonly FailureSpikeDetector _spikes;

    /// <summary>Creates the policy; <paramref name="options"/> must be valid.</summary>
    public BanPolicy(BanOptions options, IpWhitelist whitelist)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(whitelist);
        _options = options;
        _whitelist = whitelist;
        _spikes = new FailureSpikeDetector(options.SpikeFailuresPerMinute, options.SpikeAlertCooldown);
    }

    /// <summary>The settings this policy applies.</summary>
    public BanOptions Options => _options;

    /// <summary>The addresses that are never banned.</summary>
    public IpWhitelist Whitelist => _whitelist;

    /// <summary>Failures counted by the spike detector in the last minute.</summary>
    public int FailuresLastMinute => _spikes.FailuresLastMinute;

    /// <summary>True when <paramref name="address"/> must never be banned.</summary>
    public bool IsWhitelisted(IPAddress address) => _whitelist.Contains(address);

    /// <summary>Counts one failure of all sources together; true when a spike alert is due now.</summary>
    public bool RecordForSpike(DateTimeOffset now) => _spikes.Record(now);

    /// <summary>
    /// Counts one failure of <paramref name="address"/> (normalised) at <paramref name="now"/>; <paramref name="banned"/>
    /// says whether it is banned already. On <see cref="FailureVerdict.Ban"/> the window is kept until
    /// <see cref="Forget"/> (so a failed firewall call is retried on the next failure).
    /// </summary>
    public FailureVerdict OnFailure(IPAddress address, AttackSource source, DateTimeOffset now, bool banned)
    {
        if (_whitelist.Contains(address))
        {
            return FailureVerdict.Whitelisted;
        }

        if (banned)
        {
            return FailureVerdict.AlreadyBanned;
        }

        if (!_windows.TryGetValue(address, out var window))
        {
            if (_windows.Count >= _options.MaxTrackedAddresses)
            {
                PruneWindows(now);
            }

            window = new Window(_options.MaxRetry);
            _windows[address] = window;
        }

        window.Expire(now, _options.FindTime);
        window.Add(now, source);
        return window.Count >= _options.MaxRetry ? FailureVerdict.Ban : FailureVerdict.Counted;
    }

    /// <summary>Drops the failure window of <paramref name="address"/> (after it was banned).</summary>
    public void Forget(IPAddress address) => _windows.Remove(address);

    /// <summary>Ban length for the next offence of <paramref name="address"/>, given its history.</summary>
    public TimeSpan NextBanTime(string address, DateTimeOffset now, out int offence)
    {
        offence = _offenders.TryGetValue(address, out var history) && now - history.LastBanAt <= _options.RepeatOffenderMemory
            ? history.Offences + 1
            : 1;
        var ticks = _options.BanTime.Ticks * Math.Pow(_options.RepeatFactor, Math.Min(offence - 1, 64));
        return ticks >= _options.MaxBanTime.Ticks ? _options.MaxBanTime : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>An operator's requested length, capped at <see cref="BanOptions.MaxBanTime"/>.</summary>
    public TimeSpan Cap(TimeSpan requested) => requested > _options.MaxBanTime ? _options.MaxBanTime : requested;

    /// <summary>Records that <paramref name="address"/> was banned for its <paramref name="offence"/>-th time at <paramref name="now"/>.</summary>
    public void RecordOffence(string address, int offence, DateTimeOffset now) => _offenders[address] = new OffenceHistory(offence, now);

    /// <summary>Replaces the offence history (from the state file).</summary>
    public void RestoreOffenders(IReadOnlyDictionary<string, OffenceHistory> offenders)
    {
        _offenders.Clear();
        foreach (var (address, history) in offenders)
        {
            _offenders[address] = history;
        }
    }

    /// <summary>The offence history still within <see cref="BanOptions.RepeatOffenderMemory"/> (what the state file keeps).</summary>
    public Dictionary<string, OffenceHistory> LiveOffenders(DateTimeOffset now) => _offenders
        .Where(o => now - o.Value.LastBanAt <= _options.RepeatOffenderMemory)
        .ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);

    /// <summary>Addresses with failures within <see cref="BanOptions.FindTime"/> of <paramref name="now"/>, most failures first.</summary>
    public IReadOnlyList<PendingFailures> Pending(DateTimeOffset now)
    {
        var pending = new List<PendingFailures>();
        foreach (var (address, window) in _windows)
        {
            var count = window.CountSince(now, _options.FindTime);
            if (count > 0)
            {
                pending.Add(new PendingFailures(address.ToString(), window.LastSource, count, window.Last));
            }
        }

        return [.. pending.OrderByDescending(p => p.Failures).ThenByDescending(p => p.LastFailureAt).ThenBy(p => p.Address, StringComparer.Ordinal)];
    }

    private void PruneWindows(DateTimeOffset now)
    {
        foreach (var (address, window) in _windows)
        {
            if (window.Count == 0 || now - window.Last >= _options.FindTime)
            {
                _windows.Remove(address);
            }
        }

        // Still full of live attackers: forget the oldest half rather than grow without bound.
        if (_windows.Count >= _options.MaxTrackedAddresses)
        {
            foreach (var address in _windows.OrderBy(w => w.Value.Last).Take(_windows.Count / 2).Select(w => w.Key).ToList())
            {
                _windows.Remove(address);
            }
        }
    }

    /// <summary>One address's failure times within the find time, and the source of the latest.</summary>
    private sealed class Window(int capacity)
    {
        private readonly Queue<DateTimeOffset> _times = new(capacity);

        public int Count => _times.Count;

        public DateTimeOffset Last { get; private set; }

        public AttackSource LastSource { get; private set; }

        public void Expire(DateTimeOffset now, TimeSpan findTime)
        {
            while (_times.Count > 0 && now - _times.Peek() >= findTime)
            {
                _times.Dequeue();
            }
        }

        public void Add(DateTimeOffset at, AttackSource source)
        {
            _times.Enqueue(at);
            Last = at;
            LastSource = source;
        }

        public int CountSince(DateTimeOffset now, TimeSpan findTime) => _times.Count(t => now - t < findTime);
    }
}
