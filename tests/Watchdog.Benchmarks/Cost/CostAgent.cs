using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;
using Watchdog.Ami;
using Watchdog.Agent;
using Watchdog.Agent.Hosting;

namespace Watchdog.Benchmarks.Cost;

/// <summary>
/// The agent exactly as <c>watchdog run</c> builds it (state, metrics, healing, security, alerting,
/// diagnosis, API), with the defaults of an empty configuration file, except: actuators in dry-run,
/// logs and ban state in a temporary directory, the API on a free loopback port, console logging off
/// (a quiet agent writes nothing per event). The one place that knows the composition root.
/// </summary>
internal static class CostAgent
{
    public static WebApplication Build(int amiPort, string work)
    {
        var messages = Path.Combine(work, "messages");
        var authLog = Path.Combine(work, "auth.log");
        File.WriteAllText(messages, "");
        File.WriteAllText(authLog, "");
        var config = new ConfigurationBuilder().Build();
        var defaults = AgentSettings.Bind(config, out _);
        var settings = defaults with
        {
            Ami = defaults.Ami with { Host = "127.0.0.1", Port = amiPort, Secret = "watchdog-secret" },
            Actuators = defaults.Actuators with { DryRun = true },
            Healing = defaults.Healing with { AsteriskLogPath = messages },
            Security = defaults.Security with
            {
                AuthLogPath = authLog,
                Bans = defaults.Security.Bans with { StatePath = Path.Combine(work, "bans.json") },
            },
        };
        var problems = settings.Validate();
        if (problems.Count > 0) throw new InvalidOperationException("cost: agent settings are invalid: " + string.Join(" ", problems));
        return WatchdogAgentHost.Build(settings, new AgentOverrides { ListenUrl = "http://127.0.0.1:0" });
    }
}
