using System.Diagnostics;
using System.Net;
using StackExchange.Redis;
using Watchdog.Agent.Fleet;
using Watchdog.Agent.Security;
using Watchdog.Agent.Tests.Fleet;
using Watchdog.Agent.Detection;

namespace Watchdog.Benchmarks;

/// <summary>
/// <c>fleet [--broker URL --user U --password-file F]</c>: 20 in-process agents (the real ban pipeline and fleet
/// service, each with its own stand-in firewall and state file) on one broker — a redis-server started here with
/// an ACL user, or the one given. Round 1 bans addresses on one agent after another and measures when every other
/// agent's firewall applied each; round 2 does the same with the broker killed and restarted in the middle (with
/// our own broker only); then forged decisions (unsigned, and signed with another key) are written straight into
/// the log. Last line: <c>fleet: agents=20 propagation_p50_ms=N propagation_p99_ms=N lost=N rejected_unsigned=N</c>.
/// p50/p99 are over every (ban, other agent) pair of both rounds decided while the broker was up; the bans decided
/// while it was down are counted in <c>lost</c> like every other, and their delivery time after the broker came back
/// is printed on the round 2 line.
/// </summary>
internal static class FleetBenchmark
{
    private const int Agents = 20;
    private const int BansPerRound = 40;
    private const int Forged = 50;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        string? broker = null, user = null, passwordFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--broker" when i + 1 < args.Length: broker = args[++i]; break;
                case "--user" when i + 1 < args.Length: user = args[++i]; break;
                case "--password-file" when i + 1 < args.Length: passwordFile = args[++i]; break;
                default: throw new ArgumentException($"unknown fleet option '{args[i]}'");
            }
        }

        var work = Directory.CreateTempSubdirectory("watchdog-fleet-bench-");
        RealRedis? redis = null;
        var nodes = new List<FleetNode>();
        try
        {
            string url, password;
            if (broker is null)
            {
                var binary = RealRedis.FindBinary() ?? throw new ArgumentException("redis-server is not installed (apt-get install redis-server), or pass --broker URL");
                redis = await RealRedis.StartAsync(binary);
                (url, password, user) = (redis.Url, redis.Password, RealRedis.User);
                Console.WriteLine($"broker: redis-server on {url} (ACL user {user}, append-only file)");
            }
            else
            {
                url = broker;
                password = passwordFile is null ? throw new ArgumentException("--broker needs --password-file") : File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
                user ??= "watchdog";
                Console.WriteLine($"broker: {url} as {user} (not restarted: it is not ours)");
            }

            var key = FleetNode.WriteKey(work.FullName);
            // The agents' default poll interval and reconnect back-off (250 ms, doubling to 30 s).
            for (var i = 0; i < Agents; i++)
            {
                nodes.Add(await FleetNode.StartAsync($"pbx-{i:D2}", url, password, key, o =>
                {
                    o.User = user!;
                    o.KeyPrefix = "watchdog:fleet";
                    o.PollInterval = new FleetOptions().PollInterval;
                    o.ReconnectInitialDelay = new FleetOptions().ReconnectInitialDelay;
                    o.ReconnectMaxDelay = new FleetOptions().ReconnectMaxDelay;
                    // 80 bans within a minute from one "attacker wave": above the default cap of 60 remote bans a minute.
                    o.MaxRemoteBansPerMinute = 1000;
                    return o;
                }, loggers: Environment.GetEnvironmentVariable("WATCHDOG_BENCH_LOG") == "1"
                    ? new Microsoft.Extensions.Logging.LoggerFactory([new StderrLoggerProvider()]) : null));
            }

            if (!await FleetNode.WaitAsync(() => nodes.All(n => n.Receiver.Connected), Deadline))
            {
                throw new ArgumentException("not every agent connected to the broker");
            }

            var run = Guid.NewGuid().ToByteArray();
            var samples = new List<double>();
            var lost = 0;
            var round1 = new List<double>();
            var r1 = await RoundAsync(nodes, 1, run, round1, null);
            lost += r1;
            round1.Sort();
            Console.WriteLine($"round 1: {BansPerRound} bans x {Agents - 1} agents, lost {r1}, p50 {Percentile(round1, 0.5):F0} ms, p99 {Percentile(round1, 0.99):F0} ms, max {round1[^1]:F0} ms");
            var round2 = new List<double>();
            var outage = new List<double>();
            var r2 = await RoundAsync(nodes, 2, run, round2, redis, outage);
            lost += r2;
            round2.Sort();
            outage.Sort();
            Console.WriteLine($"round 2 ({(redis is null ? "no restart" : "broker killed and restarted after ban " + BansPerRound / 2)}): lost {r2}, p50 {Percentile(round2, 0.5):F0} ms, p99 {Percentile(round2, 0.99):F0} ms, max {round2[^1]:F0} ms"
                + (outage.Count > 0 ? $"; the 5 bans decided while it was down reached every agent within {outage[^1]:F0} ms of its return (p50 {Percentile(outage, 0.5):F0} ms)" : ""));
            samples.AddRange(round1);
            samples.AddRange(round2);

            Console.WriteLine("decisions: " + string.Join(" ", FleetMetrics.PublishedOutcomes.Select(o => $"published_{o}={nodes.Sum(n => n.Metrics.Count("published", o))}")
                .Concat(FleetMetrics.ReceivedOutcomes.Select(o => $"{o}={nodes.Sum(n => n.Metrics.Count("received", o))}"))));
            var rejected = await ForgeAsync(nodes, url, user!, password);
            var forgedApplied = nodes.Sum(n => n.Firewall.Calls.Count(c => c.StartsWith("block 198.19.", StringComparison.Ordinal)));
            Console.WriteLine($"forged: {Forged} decisions written to the log; rejected by every agent: {rejected}; applied anywhere: {forgedApplied}");

            samples.Sort();
            Console.WriteLine($"fleet: agents={Agents} propagation_p50_ms={Percentile(samples, 0.50):F0} propagation_p99_ms={Percentile(samples, 0.99):F0} lost={lost} rejected_unsigned={rejected}");
            return lost == 0 && forgedApplied == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            work.Delete(recursive: true);
        }
    }

    private static async Task<int> RoundAsync(List<FleetNode> nodes, int round, byte[] run, List<double> samples, RealRedis? restart,
        List<double>? afterOutage = null)
    {
        var pending = new List<Task<double?>>();
        var outage = new List<Task<double?>>();
        var backAtMs = new TaskCompletionSource<DateTimeOffset>();
        var backAt = DateTimeOffset.MinValue;
        for (var i = 0; i < BansPerRound; i++)
        {
            if (restart is not null && i == BansPerRound / 2)
            {
                await restart.StopAsync();
                await FleetNode.WaitAsync(() => nodes.All(n => !n.Receiver.Connected), Deadline);
            }

            if (restart is not null && i == BansPerRound / 2 + 5)
            {
                await restart.RestartAsync();
                backAt = DateTimeOffset.UtcNow;
                backAtMs.SetResult(backAt);
            }

            var origin = nodes[i % nodes.Count];
            // 198.18.0.0/15 (benchmarking range): a different address per run, round and ban.
            var ip = $"198.18.{(run[0] + round * 50 + i / 200) % 256}.{i % 200 + 1}";
            var decidedAt = DateTimeOffset.UtcNow;
            var result = await origin.Bans.BanAsync(IPAddress.Parse(ip), TimeSpan.FromHours(1), fleet: true, CancellationToken.None);
            if (result != BanResult.Banned)
            {
                throw new InvalidOperationException($"{origin.Name} did not ban {ip}: {result}");
            }

            var down = restart is not null && i >= BansPerRound / 2 && i < BansPerRound / 2 + 5;
            if (down)
            {
                outage.AddRange(nodes.Where(n => n != origin).Select(async n => await Applied(n, ip, decidedAt) is { } ms
                    ? Math.Max(0, (decidedAt.AddMilliseconds(ms) - await backAtMs.Task).TotalMilliseconds) : (double?)null));
            }
            else
            {
                pending.AddRange(nodes.Where(n => n != origin).Select(n => Applied(n, ip, decidedAt)));
            }

            await Task.Delay(50);
        }

        var results = await Task.WhenAll(pending);
        samples.AddRange(results.OfType<double>());
        var late = await Task.WhenAll(outage);
        // Measured from the decision; what is past the broker's return is the delivery after the outage.
        afterOutage?.AddRange(late.OfType<double>());
        return results.Count(r => r is null) + late.Count(r => r is null);
    }

    private static async Task<double?> Applied(FleetNode node, string ip, DateTimeOffset decidedAt)
    {
        try
        {
            var at = await node.Firewall.Blocked(ip).Task.WaitAsync(Deadline);
            return Math.Max(0, (at - decidedAt).TotalMilliseconds);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static async Task<int> ForgeAsync(List<FleetNode> nodes, string url, string user, string password)
    {
        var uri = new Uri(url);
        await using var attacker = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { uri.Host, uri.Port } }, User = user, Password = password, ConfigurationChannel = "", TieBreaker = "",
        });
        var db = attacker.GetDatabase();
        var wrongKey = new FleetSigner(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        double Rejected(FleetNode n) => n.Metrics.Count("received", "unsigned") + n.Metrics.Count("received", "bad_signature");
        var before = nodes.Select(Rejected).ToArray();
        for (var i = 0; i < Forged; i++)
        {
            var now = DateTimeOffset.UtcNow;
            var decision = FleetDecision.Create(FleetDecision.Ban,
                new BanEntry($"198.19.0.{i + 1}", AttackSource.Ssh, "ssh_bruteforce", now, now.AddHours(1), 1), "ssh_bruteforce", "pbx-00", now);
            var fields = decision.ToFields(i % 2 == 0 ? "" : wrongKey.Sign(decision)).Where(f => i % 2 != 0 || f.Key != "sig");
            await db.StreamAddAsync("watchdog:fleet:log", [.. fields.Select(f => new NameValueEntry(f.Key, f.Value))]);
        }

        await db.PublishAsync(RedisChannel.Literal("watchdog:fleet:wake"), "1");
        var sw = Stopwatch.StartNew();
        await FleetNode.WaitAsync(() => nodes.Select((n, i) => Rejected(n) - before[i]).All(r => r >= Forged), Deadline);
        return (int)nodes.Select((n, i) => Rejected(n) - before[i]).Min();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>Warnings and errors of the agents to stderr (the benchmark's own lines stay on stdout).</summary>
internal sealed class StderrLoggerProvider : Microsoft.Extensions.Logging.ILoggerProvider
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Error.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
