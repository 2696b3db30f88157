using System.Net;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Security;

/// <summary>
/// The ban pipeline: per-address sliding window (<see cref="BanOptions.MaxRetry"/> failures within
/// <see cref="BanOptions.FindTime"/>) → firewall ban for <see cref="BanOptions.BanTime"/>, multiplied by
/// <see cref="BanOptions.RepeatFactor"/> for each earlier offence (capped); a global failure-rate spike alert;
/// whitelisted addresses never banned; bans persisted and restored; manual ban/unban/list for operators.
/// Every ban and unban is an audit log event (id 5001) and an <see cref="AttackAlert"/>.
/// </summary>
public sealed class BanManager : IAuthFailureSink
{
    private readonly BanOptions _options;
    private readonly IpWhitelist _whitelist;
    private readonly IFirewall _firewall;
    private readonly BanStateStore _store;
    private readonly IAttackAlertSink _alerts;
    private readonly SecurityMetrics _metrics;
    private readonly RemediationMetrics _remediations;
    private readonly TimeProvider _time;
    private readonly ILogger<BanManager> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<IPAddress, Queue<DateTimeOffset>> _windows = [];
    private readonly Dictionary<string, BanEntry> _bans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OffenceHistory> _offenders = new(StringComparer.Ordinal);
    private readonly FailureSpikeDetector _spikes;
    private readonly Healing.IActuatorGate? _actuatorGate;

    /// <summary>Creates the manager; call <see cref="StartAsync"/> before feeding failures.</summary>
    public BanManager(
        BanOptions options,
        IpWhitelist whitelist,
        IFirewall firewall,
        BanStateStore store,
        IAttackAlertSink alerts,
        SecurityMetrics metrics,
        RemediationMetrics remediations,
        TimeProvider time,
        ILogger<BanManager> logger,
        Healing.IActuatorGate? actuatorGate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _whitelist = whitelist;
        _firewall = firewall;
        _store = store;
        _alerts = alerts;
        _metrics = metrics;
        _remediations = remediations;
        _time = time;
        _logger = logger;
        _actuatorGate = actuatorGate;
        _spikes = new FailureSpikeDetector(options.SpikeFailuresPerMinute, options.SpikeAlertCooldown);
    }

    /// <summary>
    /// Loads the state file; lifts bans that expired while we were down and re-applies the live ones. ufw skips
    /// a rule that already exists, so re-applying is idempotent — we do not parse <c>ufw status</c>.
    /// Bans of addresses that are now whitelisted are lifted.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var state = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _bans.Clear();
            _offenders.Clear();
            foreach (var (address, history) in state.Offenders)
            {
                _offenders[address] = history;
            }

            var now = _time.GetUtcNow();
            int restored = 0, lifted = 0;
            foreach (var entry in state.Bans)
            {
                if (!IPAddress.TryParse(entry.Address, out var address))
                {
                    continue;
                }

                _bans[entry.Address] = entry;
                if (entry.Until <= now || _whitelist.Contains(address))
                {
                    if (await UnbanCoreAsync(address, entry, entry.Until <= now ? "expired" : "whitelisted", cancellationToken).ConfigureAwait(false))
                    {
                        lifted++;
                    }

                    continue;
                }

                var outcome = await _firewall.BlockAsync(address, $"{AttackSourceLabel.Of(entry.Source)} restore", cancellationToken).ConfigureAwait(false);
                _remediations.Count("ban", "restore", RemediationMetrics.OutcomeLabel(outcome));
                LogMessages.Audit(_logger, "ban", entry.Address, AttackSourceLabel.Of(entry.Source), "restore",
                    RemediationMetrics.OutcomeLabel(outcome), entry.Until);
                restored++;
            }

            _metrics.SetActiveBans(_bans.Count);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            LogMessages.BansRestored(_logger, _store.Path, restored, lifted);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask RecordFailureAsync(AuthFailure failure, CancellationToken cancellationToken)
    {
        _metrics.AuthFailure(failure.Source);
        var address = IpLiteral.Normalize(failure.Address);
        var now = _time.GetUtcNow();
        AttackAlert? spike = null;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_spikes.Record(now))
            {
                spike = new AttackAlert(AttackAlertKind.FailureSpike, now,
                    $"{_spikes.FailuresLastMinute} failed logins in the last minute (threshold {_options.SpikeFailuresPerMinute})",
                    FailuresPerMinute: _spikes.FailuresLastMinute);
                LogMessages.FailureSpike(_logger, _spikes.FailuresLastMinute, _options.SpikeFailuresPerMinute);
            }

            if (_whitelist.Contains(address))
            {
                LogMessages.WhitelistedFailure(_logger, address.ToString(), AttackSourceLabel.Of(failure.Source), failure.Kind);
                return;
            }

            if (_bans.ContainsKey(address.ToString()))
            {
                return;
            }

            if (!_windows.TryGetValue(address, out var window))
            {
                if (_windows.Count >= _options.MaxTrackedAddresses)
                {
                    PruneWindows(now);
                }

                window = new Queue<DateTimeOffset>(_options.MaxRetry);
                _windows[address] = window;
            }

            while (window.Count > 0 && now - window.Peek() >= _options.FindTime)
            {
                window.Dequeue();
            }

            window.Enqueue(now);
            // Maintenance pauses bans; the window keeps counting, so the next failure after it bans.
            if (window.Count >= _options.MaxRetry && _actuatorGate?.Paused != true)
            {
                var reason = AttackSourceLabel.Of(failure.Source) + "_bruteforce";
                var result = await BanCoreAsync(address, failure.Source, reason, null, cancellationToken).ConfigureAwait(false);
                if (result == BanResult.Banned)
                {
                    _windows.Remove(address);
                }
            }
        }
        finally
        {
            _gate.Release();
            if (spike is not null)
            {
                await OfferAsync(spike, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Bans <paramref name="address"/> by hand (for <c>watchdog bans add</c>); whitelisted addresses are refused.</summary>
    /// <param name="address">The address.</param>
    /// <param name="duration">Ban length; null for the configured (growing) ban time.</param>
    /// <param name="cancellationToken">Cancels waiting for the firewall.</param>
    public async Task<BanResult> BanAsync(IPAddress address, TimeSpan? duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpLiteral.Normalize(address);
        if (duration is { } d && d <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), "A ban must last a positive time.");
        }

        if (_whitelist.Contains(address))
        {
            return BanResult.Whitelisted;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _bans.ContainsKey(address.ToString())
                ? BanResult.AlreadyBanned
                : await BanCoreAsync(address, AttackSource.Manual, "manual", duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lifts a ban by hand (for <c>watchdog bans remove</c>); false when the address was not banned or the firewall failed.</summary>
    public async Task<bool> UnbanAsync(IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpLiteral.Normalize(address);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_bans.TryGetValue(address.ToString(), out var entry))
            {
                return false;
            }

            var lifted = await UnbanCoreAsync(address, entry, "manual", cancellationToken).ConfigureAwait(false);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return lifted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Active bans, soonest expiry first (for <c>watchdog bans list</c>).</summary>
    public async Task<IReadOnlyList<BanEntry>> ListBansAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _bans.Values.OrderBy(b => b.Until)];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lifts every ban whose time is up; returns how many were lifted.</summary>
    public async Task<int> LiftExpiredAsync(CancellationToken cancellationToken)
    {
        if (_actuatorGate?.Paused == true) return 0; // maintenance: the firewall is left alone; expired bans go after it
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var lifted = 0;
            foreach (var entry in _bans.Values.Where(b => b.Until <= now).ToList())
            {
                if (await UnbanCoreAsync(IPAddress.Parse(entry.Address), entry, "expired", cancellationToken).ConfigureAwait(false))
                {
                    lifted++;
                }
            }

            if (lifted > 0)
            {
                await SaveAsync(cancellationToken).ConfigureAwait(false);
            }

            return lifted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Calls <see cref="LiftExpiredAsync"/> every <see cref="BanOptions.ExpiryCheckInterval"/> until cancelled.</summary>
    public async Task RunExpiryLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ExpiryCheckInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await LiftExpiredAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ban length for the next offence of <paramref name="address"/>, given its history.</summary>
    public TimeSpan NextBanTime(string address, DateTimeOffset now, out int offence)
    {
        offence = _offenders.TryGetValue(address, out var history) && now - history.LastBanAt <= _options.RepeatOffenderMemory
            ? history.Offences + 1
            : 1;
        var ticks = _options.BanTime.Ticks * Math.Pow(_options.RepeatFactor, Math.Min(offence - 1, 64));
        return ticks >= _options.MaxBanTime.Ticks ? _options.MaxBanTime : TimeSpan.FromTicks((long)ticks);
    }

    private async Task<BanResult> BanCoreAsync(IPAddress address, AttackSource source, string reason, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var ip = address.ToString();
        var now = _time.GetUtcNow();
        var length = NextBanTime(ip, now, out var offence);
        if (duration is { } requested)
        {
            length = requested;
        }

        var until = now + length;
        var outcome = await _firewall.BlockAsync(address, $"{reason} until {until:yyyy-MM-ddTHH:mm}Z", cancellationToken).ConfigureAwait(false);
        var outcomeLabel = RemediationMetrics.OutcomeLabel(outcome);
        _remediations.Count("ban", reason, outcomeLabel);
        LogMessages.Audit(_logger, "ban", ip, AttackSourceLabel.Of(source), reason, outcomeLabel, until);
        if (outcome == FirewallOutcome.Failed)
        {
            return BanResult.Failed;
        }

        _bans[ip] = new BanEntry(ip, source, reason, now, until, offence);
        _offenders[ip] = new OffenceHistory(offence, now);
        _metrics.Banned(source);
        _metrics.SetActiveBans(_bans.Count);
        await SaveAsync(cancellationToken).ConfigureAwait(false);
        await OfferAsync(new AttackAlert(AttackAlertKind.Banned, now,
            $"Banned {ip} ({AttackSourceLabel.Of(source)}, {reason}) until {until:u}, offence {offence}", address, source, until), cancellationToken).ConfigureAwait(false);
        return BanResult.Banned;
    }

    private async Task<bool> UnbanCoreAsync(IPAddress address, BanEntry entry, string reason, CancellationToken cancellationToken)
    {
        var outcome = await _firewall.UnblockAsync(address, cancellationToken).ConfigureAwait(false);
        var outcomeLabel = RemediationMetrics.OutcomeLabel(outcome);
        _remediations.Count("unban", reason, outcomeLabel);
        LogMessages.Audit(_logger, "unban", entry.Address, AttackSourceLabel.Of(entry.Source), reason, outcomeLabel, entry.Until);
        if (outcome == FirewallOutcome.Failed)
        {
            // Kept so the next expiry check tries again.
            return false;
        }

        _bans.Remove(entry.Address);
        _metrics.SetActiveBans(_bans.Count);
        await OfferAsync(new AttackAlert(AttackAlertKind.Unbanned, _time.GetUtcNow(),
            $"Unbanned {entry.Address} ({reason})", address, entry.Source, entry.Until), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private void PruneWindows(DateTimeOffset now)
    {
        foreach (var (address, window) in _windows)
        {
            if (window.Count == 0 || now - window.Last() >= _options.FindTime)
            {
                _windows.Remove(address);
            }
        }

        // Still full of live attackers: forget the oldest half rather than grow without bound.
        if (_windows.Count >= _options.MaxTrackedAddresses)
        {
            foreach (var address in _windows.OrderBy(w => w.Value.Last()).Take(_windows.Count / 2).Select(w => w.Key).ToList())
            {
                _windows.Remove(address);
            }
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var state = new BanState
        {
            Bans = [.. _bans.Values.OrderBy(b => b.Address, StringComparer.Ordinal)],
            Offenders = _offenders
                .Where(o => now - o.Value.LastBanAt <= _options.RepeatOffenderMemory)
                .ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal),
        };
        try
        {
            await _store.SaveAsync(state, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            LogMessages.BanStateSaveFailed(_logger, _store.Path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            LogMessages.BanStateSaveFailed(_logger, _store.Path, e.Message);
        }
    }

    private async ValueTask OfferAsync(AttackAlert alert, CancellationToken cancellationToken)
    {
        try
        {
            await _alerts.OnAttackAlertAsync(alert, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Alert delivery must never stop a ban; the audit log already has the event.
            LogMessages.AlertSinkFailed(_logger, alert.Kind, e);
        }
    }
}
