using Quartz;

namespace Watchdog.Agent.State;

/// <summary>
/// Periodic reconciliation: re-reads the whole PBX state even when no event was lost, to catch
/// anything AMI never announces. Schedule it every <see cref="StateOptions.ResyncInterval"/>.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PbxResyncJob : IJob
{
    /// <summary>The job's key.</summary>
    public static readonly JobKey Key = new("pbx-resync", "state");

    private readonly PbxStateTracker _tracker;

    /// <summary>Creates the job.</summary>
    public PbxResyncJob(PbxStateTracker tracker)
    {
        _tracker = tracker;
    }

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await _tracker.ResyncAsync(cancellationToken).ConfigureAwait(false);
}
