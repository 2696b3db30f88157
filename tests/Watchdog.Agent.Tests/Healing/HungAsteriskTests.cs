using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Tests.Actuators;
using Watchdog.Agent.Tests.Hosting;
using Watchdog.Ami;

namespace Watchdog.Agent.Tests.Healing;

/// <summary>A hung Asterisk is told apart from a misconfiguration by what the endpoint did before.</summary>
public class HungAsteriskTests
{
    private static HungAsteriskMonitor Monitor(HealingRig rig, AsteriskConsoleProbe? console = null) =>
        new(rig.Options, rig.Pbx, rig.Service, rig.Budget, rig.Runner, rig.Alerts, rig.Time, NullLogger<HungAsteriskMonitor>.Instance, null, console);

    [Theory(Timeout = 30_000)]
    [InlineData("NoBanner", true, 1)]    // spoke AMI earlier in this run, now accepts and says nothing: hung
    [InlineData("PingTimeout", true, 1)]
    [InlineData("NoBanner", false, 0)]   // never spoke AMI: a wrong port, not a hang
    [InlineData("ProtocolError", false, 0)] // an SSH or HTTP greeting: a misconfiguration
    [InlineData("AuthenticationFailed", true, 0)] // a wrong password never restarts the PBX
    [InlineData("ConnectFailed", false, 0)]
    public async Task Silence_after_AMI_worked_is_a_hang_and_misconfigurations_never_restart(string reason, bool everLoggedIn, int restarts)
    {
        var rig = new HealingRig();
        rig.Pbx.Current = new PbxHealthView(false, rig.Time.GetUtcNow(), [], 0, reason, everLoggedIn);

        rig.Time.Advance(TimeSpan.FromMinutes(3));
        await Monitor(rig).TickAsync(default);

        Assert.Equal(restarts, rig.Service.Restarts);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("exit 0", 0)]      // the console answers: only AMI is broken, no restart
    [InlineData("sleep 30", 1)]    // the control socket does not answer within its timeout: hung
    public async Task Asterisk_console_is_the_second_opinion_with_its_own_short_timeout(string body, int restarts)
    {
        using var asterisk = new StandInExecutable(body, "asterisk");
        var rig = new HealingRig(new HealingOptions { AsteriskPath = asterisk.Path_, ConsoleProbeTimeout = TimeSpan.FromMilliseconds(500) });
        var console = new AsteriskConsoleProbe(rig.Options, new ProcessRunner(TimeProvider.System, NullLogger<ProcessRunner>.Instance));
        rig.Pbx.Current = new PbxHealthView(false, rig.Time.GetUtcNow(), [], 0, "NoBanner", AmiEverLoggedIn: true);

        rig.Time.Advance(TimeSpan.FromMinutes(3));
        await Monitor(rig, console).TickAsync(default);

        Assert.Equal(restarts, rig.Service.Restarts);
        Assert.Equal(["-rx", "core show uptime"], asterisk.Invocations().Single());
    }

    [Fact(Timeout = 60_000)]
    public async Task Frozen_simulator_that_spoke_AMI_is_restarted_and_status_keeps_the_hang_as_the_reason()
    {
        await using var agent = await AgentUnderTest.StartAsync(s => s with
        {
            Ami = s.Ami with { PingInterval = TimeSpan.FromMilliseconds(300), PingTimeout = TimeSpan.FromMilliseconds(300), ConnectTimeout = TimeSpan.FromMilliseconds(300) },
            Healing = s.Healing with { AsteriskPath = null },
        });
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");

        agent.Simulator.Frozen = true; // kill -STOP: the kernel accepts, nothing is ever sent

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (agent.Parts.Service.Restarts == 0)
        {
            await Task.Delay(50, cts.Token);
        }
        var reason = (await agent.StatusAsync()).GetProperty("ami").GetProperty("lastDisconnectReason").GetString();
        Assert.True(reason is nameof(AmiDisconnectReason.NoBanner) or nameof(AmiDisconnectReason.PingTimeout), reason);
        Assert.Contains("watchdog_remediations_total{action=\"restart_asterisk\",reason=\"ami_hung\",outcome=\"sent\"} 1", await agent.MetricsAsync());
    }
}
