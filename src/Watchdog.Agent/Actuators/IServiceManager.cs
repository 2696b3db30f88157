namespace Watchdog.Agent.Actuators;

/// <summary>The host's service manager, for the Asterisk unit. One real implementation: <see cref="SystemctlServiceManager"/>.</summary>
public interface IServiceManager
{
    /// <summary>Whether the unit's process is up (<c>systemctl is-active</c>).</summary>
    Task<bool> IsActiveAsync(CancellationToken ct);

    /// <summary><c>systemctl restart UNIT</c>.</summary>
    Task<ActionOutcome> RestartAsync(CancellationToken ct);
}
