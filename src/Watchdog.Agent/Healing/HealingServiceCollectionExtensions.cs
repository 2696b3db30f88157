using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.State;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Healing;

/// <summary>Registers the healing policies and their loop.</summary>
public static class HealingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the registration ladder, the hung-Asterisk and RTP-timeout monitors, the graceful restarter and
    /// <see cref="HealingService"/>. Needs the actuators, the state store and the alert publisher.
    /// </summary>
    public static IServiceCollection AddWatchdogHealing(this IServiceCollection services, HealingOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<RemediationBudget>();
        services.AddSingleton<RegistrationCauses>();
        services.AddSingleton<RegistrationLadder>();
        services.AddSingleton<HealingMetrics>();
        services.AddSingleton(sp => new RemediationRunner(sp.GetRequiredService<IAsteriskControl>(), sp.GetRequiredService<IServiceManager>(),
            sp.GetRequiredService<RemediationMetrics>(), sp.GetRequiredService<IAlertPublisher>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RemediationRunner>>(), sp.GetRequiredService<ActionLog>()));
        services.AddSingleton<IPbxHealthSource, StatePbxHealthSource>();
        services.AddSingleton<RegistrationHealer>();
        services.AddSingleton<HungAsteriskMonitor>();
        services.AddSingleton<RtpTimeoutMonitor>();
        services.AddSingleton<GracefulRestarter>();
        services.AddSingleton<EndpointAlerts>();
        if (options.Enabled)
        {
            services.AddHostedService<HealingService>();
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
