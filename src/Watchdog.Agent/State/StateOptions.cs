namespace Watchdog.Agent.State;

/// <summary>Settings of the PBX state tracker (configuration section <c>State</c>).</summary>
public sealed class StateOptions
{
    /// <summary>How often <see cref="PbxResyncJob"/> re-reads the whole PBX state. Default 5 minutes.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);
}
