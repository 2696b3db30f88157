using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Api;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Fleet;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Metrics;
using Watchdog.Agent.Security;
using Watchdog.Agent.Sources;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Hosting;

/// <summary>The agent's one composition root, made of one small <c>AddXxx</c> per folder along the data path.</summary>
public static class AgentServiceCollectionExtensions
{
    /// <summary>Binds every section of <paramref name="configuration"/> once, validates it once, and adds the whole agent.</summary>
    /// <exception cref="AgentConfigurationException">The configuration has problems (every one is listed).</exception>
    public static IServiceCollection AddWatchdogAgent(this IServiceCollection services, IConfiguration configuration, AgentOverrides? overrides = null)
    {
        var settings = AgentSettings.Bind(configuration, out var bindProblems);
        var problems = bindProblems.Concat(settings.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new AgentConfigurationException(problems);
        }
        return services.AddWatchdogAgent(settings, overrides);
    }

    /// <summary>Adds the whole agent for settings already bound and validated (the executable's and the tests' path).</summary>
    public static IServiceCollection AddWatchdogAgent(this IServiceCollection services, AgentSettings settings, AgentOverrides? overrides = null)
    {
        overrides ??= new AgentOverrides();
        services.AddSingleton(settings);
        services.AddSingleton(overrides.Time ?? TimeProvider.System);

        // The data path: sources → state → detection/decisions → actuators; metrics, API and alerts beside it.
        services.AddWatchdogSources(settings.Ami, settings.Healing.AsteriskLogPath);
        services.AddWatchdogState(settings.State);
        services.AddWatchdogMetrics();
        services.AddWatchdogAlerting(settings.Alerting);
        services.AddWatchdogActuators(settings.Actuators, settings.Security.Ufw, settings.Healing.Service, overrides.Firewall, overrides.ServiceManager);
        services.AddWatchdogHealing(settings.Healing, settings.Diagnosis.Doctor.ConfigDirectory);
        services.AddWatchdogSecurity(settings.Security, settings.Diagnosis.Trunks.Providers);
        services.AddWatchdogDiagnosis(settings.Diagnosis, settings.Healing.AsteriskLogPath);
        services.AddWatchdogFleet(settings.Fleet);
        services.AddWatchdogApi(settings.Actuators);

        services.AddQuartz(q =>
        {
            q.AddPbxResync();
            q.AddScheduledRestart(settings.Healing);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        overrides.ConfigureServices?.Invoke(services);
        return services;
    }
}

/// <summary>The configuration cannot run the agent; <see cref="Problems"/> names every mistake.</summary>
public sealed class AgentConfigurationException(IReadOnlyList<string> problems)
    : Exception($"the configuration has {problems.Count} problem(s): " + string.Join(" ", problems))
{
    /// <summary>Each problem, naming its key.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
