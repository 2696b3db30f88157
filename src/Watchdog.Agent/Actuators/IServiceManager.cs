namespace Watchdog.Agent.Actuators;

/// <summary>The host's service manager, for the Asterisk unit. One real implementation: <see cref="SystemctlServiceManager"/>.</summary>
public interface IServiceManager
{
    /// <summary>Whether the unit's process is up (<c>systemctl is-active</c>).</summary>
    Task<bool> IsActiveAsync(CancellationToken ct);

    /// <summary><c>systemctl restart UNIT</c>.</summary>
    Task<ActionOutcome> RestartAsync(CancellationToken ct);

    /// <summary>The unit's state as <c>systemctl is-active UNIT</c> prints it: <c>active</c>, <c>failed</c>, <c>inactive</c>, <c>activating</c>, …; <c>unknown</c> when it cannot be read.</summary>
    async Task<string> StateAsync(CancellationToken ct) => await IsActiveAsync(ct).ConfigureAwait(false) ? "active" : "unknown";

    /// <summary><c>systemctl reset-failed UNIT</c> then <c>systemctl start UNIT</c> (after a crash or a start limit).</summary>
    Task<ActionOutcome> ResetFailedAndStartAsync(CancellationToken ct) => RestartAsync(ct);
}
