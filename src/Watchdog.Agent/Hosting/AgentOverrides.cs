using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Hosting;

/// <summary>
/// What a caller may swap in when building the agent: the demo and the tests (fake clock, stand-in
/// firewall and service manager), and the executable (its logging). Never the operator's configuration.
/// </summary>
public sealed record AgentOverrides
{
    /// <summary>Where <c>/metrics</c> and <c>/api/status</c> listen; null: <c>Api:ListenUrl</c>.</summary>
    public string? ListenUrl { get; init; }

    /// <summary>The clock; null: the system clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>A firewall instead of ufw (the demo's stand-in).</summary>
    public IFirewall? Firewall { get; init; }

    /// <summary>A service manager instead of systemctl (the demo's stand-in).</summary>
    public IServiceManager? ServiceManager { get; init; }

    /// <summary>How the agent logs (the executable adds its console sink); null: no logging provider.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>Last word on the services before the host is built (the demo adds its console alert channel).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
