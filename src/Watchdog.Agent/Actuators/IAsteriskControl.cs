namespace Watchdog.Agent.Actuators;

/// <summary>Actions on Asterisk through AMI. One real implementation: <see cref="AmiAsteriskControl"/>.</summary>
public interface IAsteriskControl
{
    /// <summary><c>PJSIPRegister</c>: Asterisk unregisters and registers the outbound registration again.</summary>
    Task<ActionOutcome> ReregisterAsync(string registration, CancellationToken ct);

    /// <summary>Reloads res_pjsip (<c>ModuleLoad</c> with <c>LoadType: reload</c>; <c>ModuleReload</c> is not an action).</summary>
    Task<ActionOutcome> ReloadPjsipAsync(CancellationToken ct);

    /// <summary><c>core restart when convenient</c>: Asterisk restarts once no calls are up.</summary>
    Task<ActionOutcome> RestartWhenConvenientAsync(CancellationToken ct);
}
