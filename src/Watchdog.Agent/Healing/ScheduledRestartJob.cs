using Quartz;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Healing;

/// <summary>The scheduled graceful restart (Quartz cron from <see cref="HealingOptions.RestartSchedule"/>; off by default).</summary>
[DisallowConcurrentExecution]
public sealed class ScheduledRestartJob(GracefulRestarter restarter) : IJob
{
    /// <summary>Quartz's name for the job.</summary>
    public static readonly JobKey Key = new("scheduled-restart", "healing");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await restarter.RestartAsync(HealingLabels.Scheduled, cancellationToken).ConfigureAwait(false);
}
