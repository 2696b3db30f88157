using System.Threading.Channels;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Tests;

/// <summary>A channel that records deliveries and fails, or stalls, on the attempts it is told to.</summary>
public sealed class RecordingNotifier(string name) : INotifier
{
    private readonly Channel<Notification> _delivered = Channel.CreateUnbounded<Notification>();
    private readonly Channel<int> _attempted = Channel.CreateUnbounded<int>();
    private int _attempts;

    public string Name => name;

    /// <summary>Attempts (1-based, counted over the notifier's life) that throw.</summary>
    public HashSet<int> FailOn { get; } = [];

    /// <summary>Attempts that never answer until cancelled.</summary>
    public HashSet<int> StallOn { get; } = [];

    public int Attempts => Volatile.Read(ref _attempts);

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        _attempted.Writer.TryWrite(attempt);
        if (StallOn.Contains(attempt))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (FailOn.Contains(attempt))
        {
            throw new NotificationException($"{name} refused attempt {attempt}");
        }

        _delivered.Writer.TryWrite(notification);
    }

    /// <summary>Completes when attempt number <paramref name="attempt"/> has started.</summary>
    public async Task WhenAttemptedAsync(int attempt, CancellationToken cancellationToken)
    {
        while (await _attempted.Reader.ReadAsync(cancellationToken) < attempt)
        {
        }
    }

    public async Task<Notification> NextAsync(CancellationToken cancellationToken) =>
        await _delivered.Reader.ReadAsync(cancellationToken);

    public bool TryTake(out Notification? notification) => _delivered.Reader.TryRead(out notification);
}
