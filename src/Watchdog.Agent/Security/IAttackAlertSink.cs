using System.Net;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary>What kind of security alert.</summary>
public enum AttackAlertKind
{
    /// <summary>An address was banned.</summary>
    Banned,
    /// <summary>A ban was lifted (expired or by an operator).</summary>
    Unbanned,
    /// <summary>Failures per minute, all sources together, went over the threshold.</summary>
    FailureSpike,
}

/// <summary>A security event offered to the alerting system.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="At">When.</param>
/// <param name="Summary">One human-readable line.</param>
/// <param name="Address">The address banned or unbanned (null for a spike).</param>
/// <param name="Source">Where the attack was seen (null for a spike).</param>
/// <param name="Until">End of a ban.</param>
/// <param name="FailuresPerMinute">For a spike: failures in the last minute.</param>
public sealed record AttackAlert(
    AttackAlertKind Kind,
    DateTimeOffset At,
    string Summary,
    IPAddress? Address = null,
    AttackSource? Source = null,
    DateTimeOffset? Until = null,
    int? FailuresPerMinute = null);

/// <summary>Receives security alerts; implemented by the alerting system. Must not throw for delivery problems.</summary>
public interface IAttackAlertSink
{
    /// <summary>Offers one alert; the sink decides whether and where to send it.</summary>
    ValueTask OnAttackAlertAsync(AttackAlert alert, CancellationToken cancellationToken);
}
