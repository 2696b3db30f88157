using System.Collections.Concurrent;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>Records alerts and completes <see cref="First"/> with the first one, so tests await it instead of sleeping.</summary>
internal sealed class GatedAlerts : IAlertPublisher
{
    public ConcurrentQueue<Alert> Published { get; } = new();

    public TaskCompletionSource<Alert> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Publish(Alert alert)
    {
        Published.Enqueue(alert);
        First.TrySetResult(alert);
        return true;
    }
}
