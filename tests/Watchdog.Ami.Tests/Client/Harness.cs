using System.Collections.Concurrent;
using System.Threading.Channels;
using Watchdog.Simulator;

namespace Watchdog.Ami.Tests.Client;

/// <summary>Records what the client delivers, and lets a test await a specific delivery.</summary>
internal sealed class RecordingObserver : IAmiEventObserver
{
    private readonly Channel<object> _deliveries = Channel.CreateUnbounded<object>();

    public ConcurrentQueue<string> EventNames { get; } = new();
    public ConcurrentQueue<AmiConnectionStateChange> States { get; } = new();
    public ConcurrentQueue<AmiResyncRequired> Resyncs { get; } = new();
    public Func<AmiMessage, CancellationToken, ValueTask>? OnEvent { get; set; }

    public async ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
    {
        EventNames.Enqueue(message.EventName);
        _deliveries.Writer.TryWrite(message.Clone());
        if (OnEvent is { } hook) await hook(message, ct);
    }

    public ValueTask OnConnectionStateChangedAsync(AmiConnectionStateChange change, CancellationToken ct)
    {
        States.Enqueue(change);
        _deliveries.Writer.TryWrite(change);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnResyncRequiredAsync(AmiResyncRequired signal, CancellationToken ct)
    {
        Resyncs.Enqueue(signal);
        _deliveries.Writer.TryWrite(signal);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the next delivery matching <paramref name="match"/>, skipping others.</summary>
    public async Task<T> WaitFor<T>(Func<T, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var item = await _deliveries.Reader.ReadAsync(cts.Token);
            if (item is T t && match(t)) return t;
        }
    }

    public Task<AmiMessage> WaitForEvent(string name, TimeSpan? timeout = null) => WaitFor<AmiMessage>(m => m.EventName == name, timeout);

    public Task<AmiConnectionStateChange> WaitForState(AmiConnectionState state, TimeSpan? timeout = null) =>
        WaitFor<AmiConnectionStateChange>(c => c.State == state, timeout);
}

/// <summary>A simulator and a running client connected to it; disposed at the end of a test.</summary>
internal sealed class ClientAndSimulator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private ClientAndSimulator(AmiSimulator simulator, AmiClient client, RecordingObserver observer)
    {
        Simulator = simulator;
        Client = client;
        Observer = observer;
        _run = client.RunAsync(_stop.Token);
    }

    public AmiSimulator Simulator { get; }
    public AmiClient Client { get; }
    public RecordingObserver Observer { get; }

    public static AmiClientOptions OptionsFor(AmiSimulator sim) => new()
    {
        Host = sim.Host,
        Port = sim.Port,
        Username = "watchdog",
        Secret = "watchdog-secret",
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
        ActionTimeout = TimeSpan.FromSeconds(5),
    };

    public static async Task<ClientAndSimulator> StartAsync(
        Func<AmiClientOptions, AmiClientOptions>? configure = null, AmiSimulator? simulator = null, bool waitForLogin = true)
    {
        var sim = simulator ?? new AmiSimulator();
        sim.Start();
        var options = OptionsFor(sim);
        options = configure?.Invoke(options) ?? options;
        var client = new AmiClient(options);
        var observer = new RecordingObserver();
        client.Subscribe(observer);
        var pair = new ClientAndSimulator(sim, client, observer);
        if (waitForLogin)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.WaitUntilLoggedInAsync(cts.Token);
        }
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        await Client.DisposeAsync();
        await Simulator.DisposeAsync();
        _stop.Dispose();
    }
}
