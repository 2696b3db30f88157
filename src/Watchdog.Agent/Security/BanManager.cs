using System.Net;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary>
/// The ban pipeline: failures → <see cref="BanPolicy"/> (sliding window, repeat-offender ban length, whitelist,
/// spikes) → <see cref="BanFirewall"/> (the ufw calls, counted and audited) → <see cref="BanStateStore"/> (bans
/// survive restarts); manual ban/unban/list for operators. Every ban and unban is an audit log event (id 5001) and
/// an <see cref="AttackAlert"/>. One gate orders everything, so the policy and the ban table need no locks of their own.
/// </summary>
public sealed partial class BanManager : IAuthFailureSink
{
    private readonly BanPolicy _policy;
    private readonly BanFirewall _firewall;
    private readonly BanStateStore _store;
    private readonly IAttackAlertSink _alerts;
    private readonly SecurityMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<BanManager> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, BanEntry> _bans = new(StringComparer.Ordinal);
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

        _policy = new BanPolicy(options, whitelist);
        _firewall = new BanFirewall(firewall, remediations, logger);
        _store = store;
        _alerts = alerts;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _actuatorGate = actuatorGate;
    }

    /// <summary>The settings in force (for the API: <c>MaxRetry</c>, <c>FindTime</c>, <c>MaxBanTime</c>).</summary>
    public BanOptions Options => _policy.Options;

    /// <summary>The addresses never banned (for <c>GET /api/bans/whitelist</c>).</summary>
    public IpWhitelist Whitelist => _policy.Whitelist;

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
            _policy.RestoreOffenders(state.Offenders);
            var now = _time.GetUtcNow();
            int restored = 0, lifted = 0;
            foreach (var entry in state.Bans)
            {
                if (!IPAddress.TryParse(entry.Address, out var address))
                {
                    continue;
                }

                _bans[entry.Address] = entry;
                if (entry.Until <= now || _policy.IsWhitelisted(address))
                {
                    if (await UnbanCoreAsync(address, entry, entry.Until <= now ? "expired" : "whitelisted", cancellationToken).ConfigureAwait(false))
                    {
                        lifted++;
                    }

                    continue;
                }

                await _firewall.RestoreAsync(address, entry, cancellationToken).ConfigureAwait(false);
                restored++;
            }

            _metrics.SetActiveBans(_bans.Count);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            LogMessages.BansRestored(_logger, _store.Path, restored, lifted);
            _started.TrySetResult();
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
            if (_policy.RecordForSpike(now))
            {
                spike = new AttackAlert(AttackAlertKind.FailureSpike, now,
                    $"{_policy.FailuresLastMinute} failed logins in the last minute (threshold {_policy.Options.SpikeFailuresPerMinute})",
                    FailuresPerMinute: _policy.FailuresLastMinute);
                LogMessages.FailureSpike(_logger, _policy.FailuresLastMinute, _policy.Options.SpikeFailuresPerMinute);
            }

            switch (_policy.OnFailure(address, failure.Source, now, _bans.ContainsKey(address.ToString())))
            {
                case FailureVerdict.Whitelisted:
                    LogMessages.WhitelistedFailure(_logger, address.ToString(), AttackSourceLabel.Of(failure.Source), failure.Kind);
                    break;
                // Maintenance pauses bans; the window keeps counting, so the next failure after it bans.
                case FailureVerdict.Ban when _actuatorGate?.Paused != true:
                    var reason = AttackSourceLabel.Of(failure.Source) + "_bruteforce";
                    if (await BanCoreAsync(address, failure.Source, reason, null, true, cancellationToken).ConfigureAwait(false) == BanResult.Banned)
                    {
                        _policy.Forget(address);
                    }

                    break;
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

    /// <summary>
    /// Bans <paramref name="address"/> by hand (for <c>watchdog bans add</c>); whitelisted addresses are refused.
    /// <paramref name="duration"/> is capped at <see cref="BanOptions.MaxBanTime"/>. An address banned already with
    /// a <paramref name="duration"/> gets that duration from now (<see cref="BanResult.Updated"/>): its one firewall
    /// rule stays, only the expiry changes.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <param name="duration">Ban length; null for the configured (growing) ban time.</param>
    /// <param name="fleet">Also offer the ban to the fleet (<see cref="IBanObserver"/>).</param>
    /// <param name="cancellationToken">Cancels waiting for the firewall.</param>
    public async Task<BanResult> BanAsync(IPAddress address, TimeSpan? duration, bool fleet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpLiteral.Normalize(address);
        if (duration is { } d && d <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), "A ban must last a positive time.");
        }

        if (_policy.IsWhitelisted(address))
        {
            return BanResult.Whitelisted;
        }

        duration = duration is { } requested ? _policy.Cap(requested) : null;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_bans.TryGetValue(address.ToString(), out var existing))
            {
                return await BanCoreAsync(address, AttackSource.Manual, "manual", duration, fleet, cancellationToken).ConfigureAwait(false);
            }

            if (duration is not { } length)
            {
                return BanResult.AlreadyBanned;
            }

            var until = _time.GetUtcNow() + length;
            _bans[existing.Address] = existing with { Until = until };
            LogMessages.BanExtended(_logger, existing.Address, existing.Until, until);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return BanResult.Updated;
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

    /// <summary>Addresses with failures within the find time but no ban yet, most failures first (like <c>fail2ban-client status</c>).</summary>
    public async Task<IReadOnlyList<PendingFailures>> ListFailuresAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _policy.Pending(_time.GetUtcNow());
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
        using var timer = new PeriodicTimer(_policy.Options.ExpiryCheckInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await LiftExpiredAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ban length for the next offence of <paramref name="address"/>, given its history.</summary>
    public TimeSpan NextBanTime(string address, DateTimeOffset now, out int offence) => _policy.NextBanTime(address, now, out offence);

    private async Task<BanResult> BanCoreAsync(IPAddress address, AttackSource source, string reason, TimeSpan? duration, bool fleet, CancellationToken cancellationToken)
    {
        var ip = address.ToString();
        var now = _time.GetUtcNow();
        var length = _policy.NextBanTime(ip, now, out var offence);
        if (duration is { } requested)
        {
            length = requested;
        }

        var until = now + length;
        if (!await _firewall.BlockAsync(address, source, reason, until, cancellationToken).ConfigureAwait(false))
        {
            return BanResult.Failed;
        }

        var entry = _bans[ip] = new BanEntry(ip, source, reason, now, until, offence) { Fleet = fleet };
        _policy.RecordOffence(ip, offence, now);
        NotifyBanned(entry);
        _metrics.Banned(source);
        _metrics.SetActiveBans(_bans.Count);
        await SaveAsync(cancellationToken).ConfigureAwait(false);
        await OfferAsync(new AttackAlert(AttackAlertKind.Banned, now,
            $"Banned {ip} ({AttackSourceLabel.Of(source)}, {reason}) until {until:u}, offence {offence}", address, source, until), cancellationToken).ConfigureAwait(false);
        return BanResult.Banned;
    }

    private async Task<bool> UnbanCoreAsync(IPAddress address, BanEntry entry, string reason, CancellationToken cancellationToken)
    {
        if (!await _firewall.UnblockAsync(address, entry, reason, cancellationToken).ConfigureAwait(false))
        {
            // Kept so the next expiry check tries again.
            return false;
        }

        _bans.Remove(entry.Address);
        _metrics.SetActiveBans(_bans.Count);
        NotifyUnbanned(entry, reason);
        await OfferAsync(new AttackAlert(AttackAlertKind.Unbanned, _time.GetUtcNow(),
            $"Unbanned {entry.Address} ({reason})", address, entry.Source, entry.Until), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private Task SaveAsync(CancellationToken cancellationToken) => _store.TrySaveAsync(new BanState
    {
        Bans = [.. _bans.Values.OrderBy(b => b.Address, StringComparer.Ordinal)],
        Offenders = _policy.LiveOffenders(_time.GetUtcNow()),
    }, cancellationToken);

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
