using System.Net;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary>The parts of the ban pipeline the fleet uses: observers of local decisions and remote bans applied through the same rules.</summary>
public sealed partial class BanManager
{
    /// <summary>The <c>reason</c> of an unban decided by another agent of the fleet.</summary>
    public const string FleetUnbanReason = "fleet";

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IBanObserver[] _observers = [];

    /// <summary>Completes when <see cref="StartAsync"/> has restored the saved bans (remote bans wait for it).</summary>
    public Task Started => _started.Task;

    /// <summary>Bans by hand without offering the ban to the fleet.</summary>
    public Task<BanResult> BanAsync(IPAddress address, TimeSpan? duration, CancellationToken cancellationToken) =>
        BanAsync(address, duration, fleet: false, cancellationToken);

    /// <summary>Adds an observer of ban decisions; dispose the result to remove it.</summary>
    public IDisposable Subscribe(IBanObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_started)
        {
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    /// <summary>
    /// Applies a ban another agent decided, through this agent's own rules: whitelisted addresses are refused,
    /// an address banned already is left as it is (one rule, no flapping), the length is capped at
    /// <see cref="BanOptions.MaxBanTime"/> from now, and a ban whose time is up is not applied.
    /// </summary>
    public async Task<BanResult> ApplyRemoteBanAsync(
        IPAddress address, AttackSource source, string reason, DateTimeOffset until, string origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        address = IpLiteral.Normalize(address);
        if (Whitelist.Contains(address))
        {
            LogMessages.Audit(_logger, "ban", address.ToString(), AttackSourceLabel.Of(source), "fleet:" + origin, "whitelisted", until);
            return BanResult.Whitelisted;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ip = address.ToString();
            var now = _time.GetUtcNow();
            if (_bans.ContainsKey(ip))
            {
                return BanResult.AlreadyBanned;
            }

            if (until <= now)
            {
                return BanResult.AlreadyBanned;
            }

            if (until - now > _policy.Options.MaxBanTime)
            {
                until = now + _policy.Options.MaxBanTime;
            }

            if (!await _firewall.BlockAsync(address, source, "fleet", until, cancellationToken).ConfigureAwait(false))
            {
                return BanResult.Failed;
            }

            var entry = _bans[ip] = new BanEntry(ip, source, reason, now, until, 0) { Origin = origin, Fleet = true };
            _metrics.Banned(source);
            _metrics.SetActiveBans(_bans.Count);
            NotifyBanned(entry);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            await OfferAsync(new AttackAlert(AttackAlertKind.Banned, now,
                $"Banned {ip} ({AttackSourceLabel.Of(source)}, {reason}, from fleet agent {origin}) until {until:u}", address, source, until), cancellationToken).ConfigureAwait(false);
            return BanResult.Banned;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Lifts a ban because another agent lifted it. Only bans that came from the fleet are lifted: a ban this
    /// agent decided itself stays until it expires or an operator lifts it here. Returns whether a ban was lifted.
    /// </summary>
    public async Task<bool> ApplyRemoteUnbanAsync(IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpLiteral.Normalize(address);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_bans.TryGetValue(address.ToString(), out var entry) || entry.Origin == BanEntry.LocalOrigin)
            {
                return false;
            }

            var lifted = await UnbanCoreAsync(address, entry, FleetUnbanReason, cancellationToken).ConfigureAwait(false);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return lifted;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void NotifyBanned(BanEntry entry)
    {
        foreach (var observer in _observers)
        {
            observer.OnBanned(entry);
        }
    }

    private void NotifyUnbanned(BanEntry entry, string reason)
    {
        foreach (var observer in _observers)
        {
            observer.OnUnbanned(entry, reason);
        }
    }

    private sealed class Subscription(BanManager owner, IBanObserver observer) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._started)
            {
                owner._observers = [.. owner._observers.Where(o => !ReferenceEquals(o, observer))];
            }
        }
    }
}
