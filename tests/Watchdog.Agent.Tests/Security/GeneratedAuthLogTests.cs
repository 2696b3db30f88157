using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Security;
using Xunit.Abstractions;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Security;

/// <summary>
/// The reused-pid auth.log of issue 15, generated (seeded) by <see cref="AuthLogGenerator"/>: driven through the real
/// tailer → sshd source → correlator → BanManager with a stand-in ufw, through the correlator over random
/// interleavings, and against the real fail2ban-regex.
/// </summary>
public sealed class GeneratedAuthLogTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "watchdog-genlog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Reused_pid_log_bans_every_attacker_and_no_legitimate_address()
    {
        Directory.CreateDirectory(_directory);
        var log = AuthLogGenerator.Generate(seed: 15);
        output.WriteLine($"{log.Lines.Count} lines, {log.PidReuses} pid reuses, {log.ReusesAfterUnendedConnection} after a connection that never ended");
        Assert.True(log.ReusesAfterUnendedConnection >= 50, "the log must reuse pids of connections that never ended");

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        using var ufw = new StandInExecutable(name: "ufw");
        var factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        var firewall = new UfwFirewall(new UfwOptions { ExecutablePath = ufw.Path_ }, new ActuatorOptions(),
            new ProcessRunner(time, NullLogger<ProcessRunner>.Instance), NullLogger<UfwFirewall>.Instance);
        var options = new BanOptions { MaxRetry = 5, FindTime = TimeSpan.FromDays(1), StatePath = Path.Combine(_directory, "bans.json") };
        var bans = new BanManager(options, IpWhitelist.Create(new WhitelistOptions { IncludeHostAddresses = false }), firewall,
            new BanStateStore(options.StatePath, NullLogger<BanStateStore>.Instance), new RecordingAlertSink(),
            new SecurityMetrics(factory), new RemediationMetrics(factory), time, NullLogger<BanManager>.Instance);
        await bans.StartAsync(CancellationToken.None);
        var counted = new CountingSink(bans);
        var path = Path.Combine(_directory, "auth.log");
        await File.WriteAllTextAsync(path, "");
        using var tailer = new LogTailer(new LogTailerOptions { Path = path }, time, NullLogger<LogTailer>.Instance);
        var source = new SshAuthLogSource(tailer, counted, time);
        tailer.Poll(source.OnLine);

        foreach (var chunk in log.Lines.Chunk(500))
        {
            await File.AppendAllTextAsync(path, string.Join('\n', chunk) + "\n");
            time.Advance(TimeSpan.FromSeconds(20));
            tailer.Poll(source.OnLine);
            await source.FlushAsync(CancellationToken.None);
        }

        foreach (var legit in log.Clean)
        {
            Assert.Equal((legit, 0), (legit, counted.Of(legit)));
        }

        foreach (var mistyper in log.Mistypers)
        {
            Assert.Equal((mistyper, 1), (mistyper, counted.Of(mistyper)));
        }

        foreach (var attacker in log.Attackers)
        {
            Assert.Equal((attacker, log.ExpectedFailures[attacker]), (attacker, counted.Of(attacker)));
        }

        var banned = (await bans.ListBansAsync(CancellationToken.None)).Select(b => IPAddress.Parse(b.Address)).ToHashSet();
        Assert.Equal(log.Attackers.OrderBy(a => a.ToString()), banned.OrderBy(a => a.ToString()));
        Assert.Equal(log.Attackers.Count, ufw.Invocations().Count(c => c.Contains("deny")));
    }

    /// <summary>
    /// A seeded loop over many random cases (no property-testing package needed): few pids, immediate reuse,
    /// connections interleaved at random. Legitimate addresses get no failure, a mistyper exactly one; an attacker
    /// gets at least the failures fail2ban counts and never more than its own connections' matched lines — so no
    /// line of one connection is ever counted against another's address.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task Random_interleavings_on_few_pids_never_move_a_failure_to_another_connection()
    {
        await Task.Yield();
        for (var seed = 0; seed < 400; seed++)
        {
            var rng = new Random(seed);
            var log = AuthLogGenerator.Generate(seed, new AuthLogGeneratorOptions
            {
                Connections = rng.Next(10, 80),
                Attackers4 = rng.Next(1, 4),
                Attackers6 = rng.Next(0, 3),
                Clean = rng.Next(1, 5),
                Mistypers = rng.Next(0, 3),
                Concurrency = rng.Next(1, 5),
                PidBase = 100,
                PidSpan = rng.Next(5, 9),
                Fail2banClear = false,
                MinAttackerFailures = 1,
            });
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
            var correlator = new SshdSessionCorrelator(time, capacity: 16);
            var counts = new Dictionary<IPAddress, int>();
            foreach (var line in log.Lines)
            {
                time.Advance(TimeSpan.FromMilliseconds(rng.Next(0, 3000)));
                if (SshdLogParser.TryParseLine(Encoding.UTF8.GetBytes(line), out var record) && correlator.Process(record) is { } address)
                {
                    counts[address] = counts.GetValueOrDefault(address) + 1;
                }
            }

            var context = $"seed {seed}:\n{log.Text}";
            foreach (var legit in log.Clean)
            {
                Assert.True(counts.GetValueOrDefault(legit) == 0, $"{legit} counted {counts.GetValueOrDefault(legit)}; {context}");
            }

            foreach (var mistyper in log.Mistypers)
            {
                Assert.True(counts.GetValueOrDefault(mistyper) == 1, $"{mistyper} counted {counts.GetValueOrDefault(mistyper)}; {context}");
            }

            foreach (var attacker in log.Attackers)
            {
                var got = counts.GetValueOrDefault(attacker);
                Assert.True(got >= log.ExpectedFailures.GetValueOrDefault(attacker) && got <= log.MatchedLines.GetValueOrDefault(attacker),
                    $"{attacker} counted {got}, expected {log.ExpectedFailures.GetValueOrDefault(attacker)}..{log.MatchedLines.GetValueOrDefault(attacker)}; {context}");
            }

            Assert.Empty(counts.Keys.Except(log.Attackers).Except(log.Mistypers));
            Assert.True(correlator.Count <= correlator.Capacity);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Failing_sources_equal_what_real_fail2ban_regex_reports_with_the_stock_sshd_filter()
    {
        var binary = Fail2banRegex.FindBinary();
        if (binary is null)
        {
            output.WriteLine(Fail2banRegex.RequireOrSkip());
            return;
        }

        Directory.CreateDirectory(_directory);
        var log = AuthLogGenerator.Generate(seed: 15);
        var path = Path.Combine(_directory, "auth.log");
        await File.WriteAllTextAsync(path, log.Text);
        var theirs = await Fail2banRegex.FailuresAsync(binary, path, CancellationToken.None);

        var correlator = new SshdSessionCorrelator();
        var ours = new Dictionary<IPAddress, int>();
        foreach (var line in log.Lines)
        {
            if (SshdLogParser.TryParseLine(Encoding.UTF8.GetBytes(line), out var record) && correlator.Process(record) is { } address)
            {
                ours[address] = ours.GetValueOrDefault(address) + 1;
            }
        }

        output.WriteLine($"fail2ban-regex: {theirs.Count} failing sources, {theirs.Values.Sum()} failures; ours: {ours.Count}, {ours.Values.Sum()}");
        foreach (var (address, n) in theirs.Where(t => ours.GetValueOrDefault(t.Key) != t.Value))
        {
            output.WriteLine($"count differs for {address}: fail2ban {n}, ours {ours.GetValueOrDefault(address)}");
        }

        Assert.Equal(Sorted(theirs.Keys), Sorted(ours.Keys));
        Assert.Equal(Sorted(log.Attackers.Concat(log.Mistypers)), Sorted(theirs.Keys));
    }

    private static List<string> Sorted(IEnumerable<IPAddress> addresses) => addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal).ToList();

    private sealed class CountingSink(IAuthFailureSink inner) : IAuthFailureSink
    {
        private readonly Dictionary<IPAddress, int> _counts = [];

        public int Of(IPAddress address) => _counts.GetValueOrDefault(address);

        public ValueTask RecordFailureAsync(AuthFailure failure, CancellationToken cancellationToken)
        {
            _counts[failure.Address] = _counts.GetValueOrDefault(failure.Address) + 1;
            return inner.RecordFailureAsync(failure, cancellationToken);
        }
    }
}
