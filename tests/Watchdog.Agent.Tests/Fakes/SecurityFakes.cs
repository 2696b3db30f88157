using System.Collections.Concurrent;
using System.Net;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests;

internal sealed class FakeFirewall : IFirewall
{
    public List<string> Calls { get; } = [];

    public FirewallOutcome Outcome { get; set; } = FirewallOutcome.Success;

    /// <summary>When set, a block waits for it, like a ufw that takes its time (tests release it).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<FirewallOutcome> BlockAsync(IPAddress address, string comment, CancellationToken cancellationToken)
    {
        lock (Calls) Calls.Add("block " + UfwFirewall.Canonical(address));
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return Outcome;
    }

    public Task<FirewallOutcome> UnblockAsync(IPAddress address, CancellationToken cancellationToken)
    {
        Calls.Add("unblock " + UfwFirewall.Canonical(address));
        return Task.FromResult(Outcome);
    }
}

internal sealed class RecordingAlertSink : IAttackAlertSink
{
    public List<AttackAlert> Alerts { get; } = [];

    public ValueTask OnAttackAlertAsync(AttackAlert alert, CancellationToken cancellationToken)
    {
        Alerts.Add(alert);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Records auth failures; <see cref="Got"/> completes when the n-th arrives, so tests await instead of sleeping.</summary>
internal sealed class RecordingSink : IAuthFailureSink
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource<bool>> _waiters = new();
    private readonly Lock _gate = new();
    private readonly List<AuthFailure> _failures = [];

    public IReadOnlyList<AuthFailure> Failures
    {
        get
        {
            lock (_gate) return _failures.ToArray();
        }
    }

    public TaskCompletionSource<bool> Got(int n)
    {
        var tcs = _waiters.GetOrAdd(n, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Failures.Count >= n) tcs.TrySetResult(true);
        return tcs;
    }

    public ValueTask RecordFailureAsync(AuthFailure failure, CancellationToken cancellationToken)
    {
        int count;
        lock (_gate)
        {
            _failures.Add(failure);
            count = _failures.Count;
        }
        if (_waiters.TryGetValue(count, out var tcs)) tcs.TrySetResult(true);
        return ValueTask.CompletedTask;
    }
}
