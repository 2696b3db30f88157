using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace Watchdog.Agent.State;

/// <summary>Schedules the PBX reconciliation inside the host's single <c>AddQuartz</c> call.</summary>
public static class StateQuartzExtensions
{
    /// <summary>
    /// Adds <see cref="PbxResyncJob"/> repeating every <see cref="StateOptions.ResyncInterval"/> (read from
    /// options when the scheduler is built). Use as <c>services.AddQuartz(q =&gt; q.AddPbxResync())</c>.
    /// </summary>
    public static IQuartzBuilder AddPbxResync(this IQuartzBuilder quartz) =>
        quartz.ScheduleJob<PbxResyncJob>(
            (sp, trigger) => trigger
                .WithIdentity("pbx-resync-trigger", PbxResyncJob.Key.Group)
                .StartAt(sp.GetRequiredService<TimeProvider>().GetUtcNow() + sp.GetRequiredService<IOptions<StateOptions>>().Value.ResyncInterval)
                .WithSimpleSchedule(s => s.WithInterval(sp.GetRequiredService<IOptions<StateOptions>>().Value.ResyncInterval).RepeatForever()),
            (_, job) => job.WithIdentity(PbxResyncJob.Key).DisallowConcurrentExecution());
}
