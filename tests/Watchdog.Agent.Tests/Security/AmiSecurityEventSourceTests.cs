using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Security;
using Watchdog.Ami;
using Watchdog.Simulator;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Security;

public sealed class AmiSecurityEventSourceTests
{
    [Fact(Timeout = 20_000)]
    public async Task Sip_and_ami_login_failures_from_ami_events_reach_the_ban_pipeline_and_ChallengeSent_does_not()
    {
        await using var sim = new AmiSimulator();
        sim.Start();
        await using var client = new AmiClient(new AmiClientOptions { Host = sim.Host, Port = sim.Port, Secret = "watchdog-secret" });
        var sink = new RecordingSink();
        client.Subscribe(new AmiSecurityEventSource(sink, TimeProvider.System));
        using var stop = new CancellationTokenSource();
        var run = client.RunAsync(stop.Token);
        await client.WaitUntilLoggedInAsync(stop.Token);
        var three = sink.Got(3).Task;

        sim.EmitSecurity("ChallengeSent", "PJSIP", "6001", "IPV4/UDP/203.0.113.5/5060");
        sim.EmitSecurity("InvalidAccountID", "PJSIP", "9999", "IPV4/UDP/203.0.113.5/5060");
        sim.EmitSecurity("ChallengeResponseFailed", "PJSIP", "6001", "IPV6/UDP/2001:db8::7/5060");
        sim.EmitSecurity("InvalidPassword", "AMI", "admin", "IPV4/TCP/198.51.100.9/40000");
        await three;

        Assert.Equal(["203.0.113.5", "2001:db8::7", "198.51.100.9"], sink.Failures.Select(f => f.Address.ToString()));
        Assert.Equal([AttackSource.Sip, AttackSource.Sip, AttackSource.Ami], sink.Failures.Select(f => f.Source));
        await stop.CancelAsync();
        await run;
    }

    [Fact(Timeout = 20_000)]
    public async Task A_sip_brute_force_seen_over_ami_is_banned_through_ufw()
    {
        var dir = Path.Combine(Path.GetTempPath(), "watchdog-amisec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using var ufw = new StandInExecutable(name: "ufw");
        await using var sim = new AmiSimulator();
        sim.Start();
        var factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        var options = new BanOptions { MaxRetry = 3, StatePath = Path.Combine(dir, "bans.json") };
        var firewall = new UfwFirewall(new UfwOptions { ExecutablePath = ufw.Path_ }, new ActuatorOptions(),
            new ProcessRunner(TimeProvider.System, NullLogger<ProcessRunner>.Instance), NullLogger<UfwFirewall>.Instance);
        var bans = new BanManager(options, IpWhitelist.Create(new WhitelistOptions { IncludeHostAddresses = false }), firewall,
            new BanStateStore(options.StatePath, NullLogger<BanStateStore>.Instance), new RecordingAlertSink(),
            new SecurityMetrics(factory), new RemediationMetrics(factory), TimeProvider.System, NullLogger<BanManager>.Instance);
        await bans.StartAsync(CancellationToken.None);
        await using var client = new AmiClient(new AmiClientOptions { Host = sim.Host, Port = sim.Port, Secret = "watchdog-secret" });
        client.Subscribe(new AmiSecurityEventSource(bans, TimeProvider.System));
        using var stop = new CancellationTokenSource();
        var run = client.RunAsync(stop.Token);
        await client.WaitUntilLoggedInAsync(stop.Token);

        for (var i = 0; i < 3; i++)
        {
            sim.EmitSecurity("InvalidAccountID", "PJSIP", "10" + i, "IPV4/UDP/203.0.113.5/5060");
        }
        while ((await bans.ListBansAsync(CancellationToken.None)).Count == 0)
        {
            await Task.Delay(10);
        }

        var call = Assert.Single(ufw.Invocations());
        Assert.Equal(["prepend", "deny", "from", "203.0.113.5", "to", "any"], call.Take(6));
        await stop.CancelAsync();
        await run;
        Directory.Delete(dir, recursive: true);
    }
}
