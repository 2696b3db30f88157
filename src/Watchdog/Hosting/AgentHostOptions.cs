using Watchdog.Agent.Actuators;
using Watchdog.Agent.Healing;

namespace Watchdog.Hosting;

/// <summary>What a caller may swap in when building the agent (the demo and tests; never the operator's config).</summary>
public sealed record AgentHostOptions
{
    /// <summary>Where <c>/metrics</c> and <c>/api/status</c> listen.</summary>
    public string ListenUrl { get; init; } = "http://127.0.0.1:9105";

    /// <summary>The clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>A firewall instead of ufw (the demo's stand-in).</summary>
    public IFirewall? Firewall { get; init; }

    /// <summary>A service manager instead of systemctl (the demo's stand-in).</summary>
    public IServiceManager? ServiceManager { get; init; }

    /// <summary>Extra Serilog-free log sink: each audit and incident line (the demo prints them).</summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? ExtraLogger { get; init; }

    /// <summary>Last word on the services before the host is built (the demo adds its console alert channel).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Write logs to the console (the agent's normal mode).</summary>
    public bool ConsoleLogging { get; init; } = true;
}
