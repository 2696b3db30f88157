using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Quartz;
using Watchdog.Ami;

namespace Watchdog.Agent.Healing;

/// <summary>The healing part of the composition root.</summary>
public static class HealingServiceCollectionExtensions
{
    /// <summary>How long the server URI's name may take to resolve before it counts as not resolving.</summary>
    private static readonly TimeSpan ServerLookupTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Registers the healing policy and its loops: the incident channel, the registration healer (with the
    /// PJSIP config probe over <paramref name="asteriskConfigDirectory"/>), the hung-Asterisk, service and
    /// RTP monitors, the evidence seams (<see cref="IServerNameResolver"/> over the system resolver, <see cref="State.IPjsipProbe"/>
    /// over AMI), the maintenance switch (the <see cref="IActuatorGate"/> every actuator asks) and
    /// <see cref="HealingService"/>. Needs the AMI client, the state store, alerting, <see cref="ActionLog"/>,
    /// <see cref="RemediationMetrics"/>, <see cref="ActuatorOptions"/>, <see cref="IProcessRunner"/>, <see cref="IAsteriskControl"/>
    /// and <see cref="IServiceManager"/> (the actuators). Without <see cref="HealingOptions.Enabled"/> the loop does not run.
    /// </summary>
    public static IServiceCollection AddWatchdogHealing(this IServiceCollection services, HealingOptions options, string asteriskConfigDirectory)
    {
        services.AddSingleton(options);
        services.AddSingleton<MaintenanceMode>();
        services.AddSingleton<IActuatorGate>(sp => sp.GetRequiredService<MaintenanceMode>());
        services.AddSingleton<MaintenanceAlerts>();
        services.AddSingleton<IncidentChannel>();
        services.AddSingleton<RemediationBudget>();
        services.AddSingleton<RegistrationCauses>();
        services.AddSingleton<RegistrationLadder>();
        services.AddSingleton<HealingMetrics>();
        services.AddSingleton<IPjsipConfigProbe>(sp =>
            new PjsipConfigProbe(sp.GetRequiredService<AmiClient>(), asteriskConfigDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RemediationRunner(sp.GetRequiredService<IAsteriskControl>(), sp.GetRequiredService<IServiceManager>(),
            sp.GetRequiredService<RemediationMetrics>(), sp.GetRequiredService<IAlertPublisher>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RemediationRunner>>(), sp.GetRequiredService<ActionLog>()));
        services.AddSingleton<IPbxHealthSource, StatePbxHealthSource>();
        services.TryAddSingleton<State.PjsipResponsiveness>();
        services.TryAddSingleton<State.IPjsipProbe>(sp => sp.GetRequiredService<State.PjsipResponsiveness>());
        services.TryAddSingleton<IServerNameResolver>(_ => new SystemServerNameResolver(ServerLookupTimeout));
        services.AddSingleton<RegistrationHealer>();
        services.AddSingleton<AsteriskConsoleProbe>();
        services.AddSingleton<HungAsteriskMonitor>();
        services.AddSingleton<AsteriskServiceMonitor>();
        services.AddSingleton<RtpTimeoutMonitor>();
        services.AddSingleton<GracefulRestarter>();
        services.AddSingleton<Detection.EndpointAlerts>();
        if (options.Enabled)
        {
            services.AddHostedService<HealingService>();
            services.AddSingleton<Sources.IAsteriskLogObserver, HealingLogObserver>();
        }
        return services;
    }

    /// <summary>Schedules the graceful restart (a Quartz cron) when <see cref="HealingOptions.RestartSchedule"/> is set.</summary>
    public static IQuartzBuilder AddScheduledRestart(this IQuartzBuilder quartz, HealingOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.RestartSchedule))
        {
            quartz.ScheduleJob<ScheduledRestartJob>(
                t => t.WithIdentity("scheduled-restart-trigger", ScheduledRestartJob.Key.Group).WithCronSchedule(options.RestartSchedule),
                j => j.WithIdentity(ScheduledRestartJob.Key).DisallowConcurrentExecution());
        }
        return quartz;
    }
}
