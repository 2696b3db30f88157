using System.Net;

namespace Watchdog.Agent.Detection;

/// <summary>
/// One failed authentication attributed to <paramref name="Address"/>. <paramref name="Kind"/> is a short
/// descriptive word from a fixed vocabulary (e.g. "sshd", "InvalidAccountID") for logs — never a metric label.
/// </summary>
public readonly record struct AuthFailure(AttackSource Source, IPAddress Address, DateTimeOffset At, string Kind);

/// <summary>Consumes authentication failures (the <see cref="BanManager"/>; tests use fakes).</summary>
public interface IAuthFailureSink
{
    /// <summary>Counts one failure; may ban.</summary>
    ValueTask RecordFailureAsync(AuthFailure failure, CancellationToken cancellationToken);
}
