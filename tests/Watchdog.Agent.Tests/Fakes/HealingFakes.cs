using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Tests;

internal sealed class FakeAsteriskControl : IAsteriskControl
{
    public ConcurrentQueue<string> Calls { get; } = new();
    public ActionOutcome Outcome { get; set; } = ActionOutcome.Success;
    public Action<string>? OnCall { get; set; }

    public Task<ActionOutcome> ReregisterAsync(string registration, CancellationToken ct) => Record($"reregister {registration}");
    public Task<ActionOutcome> ReloadPjsipAsync(CancellationToken ct) => Record("reload_pjsip");
    public Task<ActionOutcome> RestartWhenConvenientAsync(CancellationToken ct) => Record("restart_when_convenient");

    private Task<ActionOutcome> Record(string call)
    {
        Calls.Enqueue(call);
        OnCall?.Invoke(call);
        return Task.FromResult(Outcome);
    }
}

internal sealed class FakeServiceManager : IServiceManager
{
    public bool Active { get; set; } = true;
    public string State { get; set; } = "active";
    public int Restarts;
    public int Starts;

    public int StateReads { get; private set; }

    public Task<string> StateAsync(CancellationToken ct)
    {
        StateReads++;
        return Task.FromResult(Active ? "active" : State);
    }

    public Task<ActionOutcome> ResetFailedAndStartAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref Starts);
        return Task.FromResult(ActionOutcome.Success);
    }

    public Task<bool> IsActiveAsync(CancellationToken ct) => Task.FromResult(Active);

    public Task<ActionOutcome> RestartAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref Restarts);
        return Task.FromResult(ActionOutcome.Success);
    }
}

/// <summary>Records alerts and completes <see cref="First"/> with the first one, so tests await it instead of sleeping.</summary>
internal sealed class RecordingAlerts : IAlertPublisher
{
    public ConcurrentQueue<Alert> Published { get; } = new();

    public TaskCompletionSource<Alert> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Publish(Alert alert)
    {
        Published.Enqueue(alert);
        First.TrySetResult(alert);
        return true;
    }

    public IReadOnlyList<AlertKind> Kinds => Published.Select(a => a.Kind).ToList();
}

internal sealed class FakePbx : IPbxHealthSource
{
    public PbxHealthView Current { get; set; } = new(true, null, [], 0);

    public void Registration(string status, DateTimeOffset since, int channels = 0, string serverUri = "sip:127.0.0.1:5070") =>
        Current = Current with
        {
            Registrations = [new RegistrationObservation("mango-registration", status == "Registered", status, since, "sip:mango-user@127.0.0.1:5070", serverUri, "mango-auth")],
            ActiveChannels = channels,
        };

    /// <summary>Evidence that Asterisk itself fails: every qualified peer stopped answering too.</summary>
    public void EveryPeerUnreachable() =>
        Current = Current with { QualifiedContactsReachable = 0, QualifiedContactsUnreachable = 1 };
}

internal sealed class FakeConfigProbe : IPjsipConfigProbe
{
    public PjsipConfigFacts Facts { get; set; } = new(null, null);
    public List<DateTimeOffset> Reloads { get; } = [];

    public Task<PjsipConfigFacts> ReadAsync(CancellationToken ct) => Task.FromResult(Facts);

    public void Reloaded(DateTimeOffset at) => Reloads.Add(at);
}

/// <summary>Asterisk's PJSIP stack as the healer's evidence sees it: answering unless a test says it is stuck.</summary>
internal sealed class FakePjsipProbe : Watchdog.Agent.State.IPjsipProbe
{
    public bool Answering { get; set; } = true;
    public int Asked;

    public Task<bool> AnsweringAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref Asked);
        return Task.FromResult(Answering);
    }
}

/// <summary>Server names by host: unknown hosts are not checked (null), as an address would be.</summary>
internal sealed class FakeServerNames : IServerNameResolver
{
    public Dictionary<string, bool> Resolves { get; } = new(StringComparer.OrdinalIgnoreCase);
    public ConcurrentQueue<string> Asked { get; } = new();

    public Task<bool?> ResolvesAsync(string serverUri, CancellationToken ct)
    {
        Asked.Enqueue(serverUri);
        var host = Watchdog.Agent.Detection.SipUri.Host(serverUri);
        return Task.FromResult(Resolves.TryGetValue(host, out var r) ? r : (bool?)null);
    }
}

/// <summary>Everything a healer needs, wired with fakes and a fake clock.</summary>
internal sealed class HealingRig
{
    public HealingRig(HealingOptions? options = null)
    {
        Options = options ?? new HealingOptions();
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        HealingMetrics = new HealingMetrics(factory);
        Budget = new RemediationBudget(Options, Time);
        Causes = new RegistrationCauses(Time);
        Runner = new RemediationRunner(Asterisk, Service, new RemediationMetrics(factory), Alerts, Time, NullLogger<RemediationRunner>.Instance);
        Ladder = new RegistrationLadder(Options, Budget);
        Healer = new RegistrationHealer(Options, Pbx, Ladder, Causes, Budget, Runner, HealingMetrics, Alerts, Time, NullLogger<RegistrationHealer>.Instance,
            Config, Maintenance, Pjsip, ServerNames);
    }

    public HealingOptions Options { get; }
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    public CollectorRegistry Registry { get; }
    public FakeAsteriskControl Asterisk { get; } = new();
    public FakeServiceManager Service { get; } = new();
    public RecordingAlerts Alerts { get; } = new();
    public FakePbx Pbx { get; } = new();
    public FakeConfigProbe Config { get; } = new();
    public FakePjsipProbe Pjsip { get; } = new();
    public FakeServerNames ServerNames { get; } = new();
    public MaintenanceMode Maintenance => _maintenance ??= new MaintenanceMode(Time);
    private MaintenanceMode? _maintenance;
    public HealingMetrics HealingMetrics { get; }
    public RemediationBudget Budget { get; }
    public RegistrationCauses Causes { get; }
    public RemediationRunner Runner { get; }
    public RegistrationLadder Ladder { get; }
    public RegistrationHealer Healer { get; }

    /// <summary>Advances the clock and ticks the healer.</summary>
    public async Task After(TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        await Healer.TickAsync(CancellationToken.None);
    }

    public async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
