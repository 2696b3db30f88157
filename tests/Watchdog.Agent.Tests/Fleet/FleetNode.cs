using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Fleet;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Tests.Fleet;

/// <summary>A stand-in firewall that remembers when each address was blocked, and lets a caller await it.</summary>
internal sealed class TimedFirewall : IFirewall
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<DateTimeOffset>> _blocked = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    public Task<FirewallOutcome> BlockAsync(IPAddress address, string comment, CancellationToken cancellationToken)
    {
        var ip = UfwFirewall.Canonical(address);
        Calls.Enqueue("block " + ip);
        Blocked(ip).TrySetResult(DateTimeOffset.UtcNow);
        return Task.FromResult(FirewallOutcome.Success);
    }

    public Task<FirewallOutcome> UnblockAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var ip = UfwFirewall.Canonical(address);
        Calls.Enqueue("unblock " + ip);
        _blocked.TryRemove(ip, out _);
        return Task.FromResult(FirewallOutcome.Success);
    }

    /// <summary>Completes with the wall-clock time at which <paramref name="ip"/> was (or will be) blocked.</summary>
    public TaskCompletionSource<DateTimeOffset> Blocked(string ip) =>
        _blocked.GetOrAdd(ip, _ => new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously));

    public int Count(string call) => Calls.Count(c => c == call);
}

internal sealed class NoAlerts : IAttackAlertSink
{
    public ValueTask OnAttackAlertAsync(AttackAlert alert, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>One in-process agent of a fleet: the real ban pipeline and fleet service, a stand-in firewall, its own registry and state file.</summary>
internal sealed class FleetNode : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly FleetService _service;
    private readonly DirectoryInfo _dir;

    private FleetNode(string name, DirectoryInfo dir, BanManager bans, TimedFirewall firewall, FleetMetrics metrics, FleetReceiver receiver,
        FleetService service, CollectorRegistry registry)
    {
        Name = name;
        _dir = dir;
        Bans = bans;
        Firewall = firewall;
        Metrics = metrics;
        Receiver = receiver;
        _service = service;
        Registry = registry;
    }

    public string Name { get; }

    /// <summary>The fleet service's run; completes only when the node stops.</summary>
    public Task? Running => _service.ExecuteTask;

    public BanManager Bans { get; }
    public TimedFirewall Firewall { get; }
    public FleetMetrics Metrics { get; }
    public FleetReceiver Receiver { get; }
    public CollectorRegistry Registry { get; }

    /// <summary>Writes a fresh fleet key file into <paramref name="dir"/> and returns its path.</summary>
    public static string WriteKey(string dir)
    {
        var path = Path.Combine(dir, "fleet.key");
        File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)) + "\n");
        return path;
    }

    public static async Task<FleetNode> StartAsync(string name, string brokerUrl, string password, string keyFile,
        Func<FleetOptions, FleetOptions>? configure = null, IEnumerable<string>? whitelist = null, ILoggerFactory? loggers = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        var dir = Directory.CreateTempSubdirectory("watchdog-fleet-node-");
        var options = new FleetOptions
        {
            Enabled = true, BrokerUrl = brokerUrl, User = RealRedis.User, Password = password, KeyFile = keyFile, AgentName = name,
            PollInterval = TimeSpan.FromMilliseconds(500), ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        options = configure?.Invoke(options) ?? options;
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var firewall = new TimedFirewall();
        var time = TimeProvider.System;
        var bans = new BanManager(
            new BanOptions { MaxRetry = 3, StatePath = Path.Combine(dir.FullName, "bans.json"), ExpiryCheckInterval = TimeSpan.FromMilliseconds(200) },
            new IpWhitelist((whitelist ?? []).Select(n => IPNetwork.Parse(n)), []), firewall,
            new BanStateStore(Path.Combine(dir.FullName, "bans.json"), loggers.CreateLogger<BanStateStore>()), new NoAlerts(),
            new SecurityMetrics(factory), new RemediationMetrics(factory), time, loggers.CreateLogger<BanManager>());
        var broker = new RedisFleetBroker(options, options.ResolvePassword());
        var signer = new FleetSigner(FleetSigner.ReadKey(keyFile));
        var metrics = new FleetMetrics(factory);
        var publisher = new FleetPublisher(options, broker, signer, metrics, time, loggers.CreateLogger<FleetPublisher>());
        var receiver = new FleetReceiver(options, broker, signer, bans, metrics, time, loggers.CreateLogger<FleetReceiver>());
        var service = new FleetService(broker, publisher, receiver, bans, options, time, loggers.CreateLogger<FleetService>());
        var node = new FleetNode(name, dir, bans, firewall, metrics, receiver, service, registry);
        await service.StartAsync(CancellationToken.None);
        await bans.StartAsync(CancellationToken.None);
        _ = bans.RunExpiryLoopAsync(node._stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        return node;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
        _stop.Dispose();
        _dir.Delete(recursive: true);
    }
}
