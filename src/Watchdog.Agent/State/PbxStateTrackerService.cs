using Microsoft.Extensions.Hosting;

namespace Watchdog.Agent.State;

/// <summary>Attaches <see cref="PbxStateTracker"/> to the AMI client for the host's lifetime.</summary>
public sealed class PbxStateTrackerService(PbxStateTracker tracker) : IHostedService
{
    private IDisposable? _subscription;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = tracker.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await tracker.DisposeAsync().ConfigureAwait(false);
    }
}
