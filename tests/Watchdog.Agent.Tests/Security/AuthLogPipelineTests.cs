using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Security;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Security;

public sealed class AuthLogPipelineTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "watchdog-pipe-" + Guid.NewGuid().ToString("N"));

    public AuthLogPipelineTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact(Timeout = 10_000)]
    public async Task Appended_auth_log_failures_reach_ufw_as_a_ban()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        using var ufw = new StandInExecutable(name: "ufw");
        var factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        var firewall = new UfwFirewall(new UfwOptions { ExecutablePath = ufw.Path_ }, new ActuatorOptions(),
            new ProcessRunner(time, NullLogger<ProcessRunner>.Instance), NullLogger<UfwFirewall>.Instance);
        var options = new BanOptions { MaxRetry = 3, StatePath = Path.Combine(_directory, "bans.json") };
        var bans = new BanManager(options, IpWhitelist.Create(new WhitelistOptions { IncludeHostAddresses = false }), firewall,
            new BanStateStore(options.StatePath, NullLogger<BanStateStore>.Instance), new RecordingAlertSink(),
            new SecurityMetrics(factory), new RemediationMetrics(factory), time, NullLogger<BanManager>.Instance);
        await bans.StartAsync(CancellationToken.None);
        var log = Path.Combine(_directory, "auth.log");
        await File.WriteAllTextAsync(log, "Nov 26 07:00:00 pbx sshd[1]: Failed password for root from 203.0.113.5 port 1 ssh2\n");
        using var tailer = new LogTailer(new LogTailerOptions { Path = log }, time, NullLogger<LogTailer>.Instance);
        var source = new SshAuthLogSource(tailer, bans, time);

        tailer.Poll(source.OnLine); // history before start is skipped
        await File.AppendAllTextAsync(log,
            "Nov 26 08:00:01 pbx sshd[7]: Invalid user admin from 203.0.113.5 port 40001\n" +
            "Nov 26 08:00:02 pbx sshd[7]: Failed password for invalid user admin from 203.0.113.5 port 40001 ssh2\n" +
            "Nov 26 08:00:03 pbx sshd[8]: Failed password for invalid user from 6.6.6.6 from 203.0.113.5 port 40002 ssh2\n");
        tailer.Poll(source.OnLine);
        await source.FlushAsync(CancellationToken.None);

        var call = Assert.Single(ufw.Invocations());
        Assert.Equal(["prepend", "deny", "from", "203.0.113.5", "to", "any", "comment"], call.Take(7));
        Assert.Equal("203.0.113.5", Assert.Single(await bans.ListBansAsync(CancellationToken.None)).Address);
        Assert.DoesNotContain(await bans.ListBansAsync(CancellationToken.None), b => b.Address == IPAddress.Parse("6.6.6.6").ToString());
    }
}
