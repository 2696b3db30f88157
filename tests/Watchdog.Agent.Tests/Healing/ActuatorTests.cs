using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Healing;
using Watchdog.Ami;
using Watchdog.Simulator;

namespace Watchdog.Agent.Tests.Healing;

public class ActuatorTests
{
    private static SystemctlServiceManager Systemctl(StandInExecutable exe, bool dryRun = false) =>
        new(new ServiceManagerOptions { SystemctlPath = exe.Path_, Unit = "asterisk.service" },
            new ActuatorOptions { DryRun = dryRun, CommandTimeout = TimeSpan.FromSeconds(10) },
            new ProcessRunner(TimeProvider.System, NullLogger<ProcessRunner>.Instance), NullLogger<SystemctlServiceManager>.Instance);

    [Fact]
    public async Task Restart_runs_systemctl_restart_unit_as_separate_arguments()
    {
        using var exe = new StandInExecutable();

        var outcome = await Systemctl(exe).RestartAsync(default);

        Assert.Equal(ActionOutcome.Success, outcome);
        Assert.Equal([["restart", "asterisk.service"]], exe.Invocations());
    }

    [Fact]
    public async Task Is_active_asks_systemctl_quietly_and_reads_the_exit_code()
    {
        using var down = new StandInExecutable("exit 3");

        Assert.False(await Systemctl(down).IsActiveAsync(default));
        Assert.Equal([["is-active", "--quiet", "asterisk.service"]], down.Invocations());
    }

    [Fact]
    public async Task Failing_systemctl_is_a_failed_restart()
    {
        using var exe = new StandInExecutable("echo 'Failed to restart asterisk.service: Access denied' >&2; exit 1");

        Assert.Equal(ActionOutcome.Failed, await Systemctl(exe).RestartAsync(default));
    }

    [Fact]
    public async Task Dry_run_restart_runs_nothing()
    {
        using var exe = new StandInExecutable();

        var outcome = await Systemctl(exe, dryRun: true).RestartAsync(default);

        Assert.Equal(ActionOutcome.DryRun, outcome);
        Assert.Empty(exe.Invocations());
    }

    [Fact]
    public async Task Ami_control_sends_PJSIPRegister_and_ModuleLoad_reload_to_Asterisk()
    {
        await using var sim = new AmiSimulator();
        sim.Start();
        await using var client = new AmiClient(new AmiClientOptions { Host = sim.Host, Port = sim.Port, Secret = "watchdog-secret" });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = client.RunAsync(stop.Token);
        await client.WaitUntilLoggedInAsync(stop.Token);
        var control = new AmiAsteriskControl(client, new ActuatorOptions(), NullLogger<AmiAsteriskControl>.Instance);

        Assert.Equal(ActionOutcome.Success, await control.ReregisterAsync("mango-registration", default));
        Assert.Equal(ActionOutcome.Success, await control.ReloadPjsipAsync(default));
        Assert.Equal(ActionOutcome.Failed, await control.ReregisterAsync("no-such-registration", default));

        Assert.Equal(["PJSIPRegister", "ModuleLoad", "PJSIPRegister"], sim.ReceivedActions.Skip(2));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Ami_control_in_dry_run_sends_nothing()
    {
        await using var sim = new AmiSimulator();
        sim.Start();
        await using var client = new AmiClient(new AmiClientOptions { Host = sim.Host, Port = sim.Port, Secret = "watchdog-secret" });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = client.RunAsync(stop.Token);
        await client.WaitUntilLoggedInAsync(stop.Token);
        var control = new AmiAsteriskControl(client, new ActuatorOptions { DryRun = true }, NullLogger<AmiAsteriskControl>.Instance);

        Assert.Equal(ActionOutcome.DryRun, await control.ReregisterAsync("mango-registration", default));
        Assert.Equal(ActionOutcome.DryRun, await control.RestartWhenConvenientAsync(default));

        Assert.DoesNotContain("PJSIPRegister", sim.ReceivedActions);
        Assert.DoesNotContain("Command", sim.ReceivedActions);
        await stop.CancelAsync();
        await run;
    }
}
