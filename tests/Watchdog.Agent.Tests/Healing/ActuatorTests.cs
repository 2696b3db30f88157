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

    [Fact(Timeout = 30_000)]
    public async Task Restart_runs_systemctl_restart_unit_as_separate_arguments()
    {
        using var exe = new StandInExecutable();

        var outcome = await Systemctl(exe).RestartAsync(default);

        Assert.Equal(ActionOutcome.Success, outcome);
        Assert.Equal([["restart", "asterisk.service"]], exe.Invocations());
    }

    [Fact(Timeout = 30_000)]
    public async Task Is_active_asks_systemctl_quietly_and_reads_the_exit_code()
    {
        using var down = new StandInExecutable("exit 3");

        Assert.False(await Systemctl(down).IsActiveAsync(default));
        Assert.Equal([["is-active", "--quiet", "asterisk.service"]], down.Invocations());
    }

    [Fact(Timeout = 30_000)]
    public async Task Failing_systemctl_is_a_failed_restart()
    {
        using var exe = new StandInExecutable("echo 'Failed to restart asterisk.service: Access denied' >&2; exit 1");

        Assert.Equal(ActionOutcome.Failed, await Systemctl(exe).RestartAsync(default));
    }

    [Fact(Timeout = 30_000)]
    public async Task Dry_run_restart_runs_nothing()
    {
        using var exe = new StandInExecutable();

        var outcome = await Systemctl(exe, dryRun: true).RestartAsync(default);

        Assert.Equal(ActionOutcome.DryRun, outcome);
        Assert.Empty(exe.Invocations());
    }

    [Fact(Timeout = 20_000)]
    public async Task Ami_control_sends_PJSIPRegister_and_ModuleLoad_reload_to_Asterisk()
    {
        await using var ami = await LoggedInAmi.StartAsync();
        var control = new AmiAsteriskControl(ami.Client, new ActuatorOptions(), NullLogger<AmiAsteriskControl>.Instance);

        Assert.Equal(ActionOutcome.Success, await control.ReregisterAsync("mango-registration", default));
        Assert.Equal(ActionOutcome.Success, await control.ReloadPjsipAsync(default));
        Assert.Equal(ActionOutcome.Failed, await control.ReregisterAsync("no-such-registration", default));

        Assert.Equal(["PJSIPRegister", "ModuleLoad", "PJSIPRegister"], ami.Simulator.ReceivedActions.Skip(2));
    }

    [Fact(Timeout = 20_000)]
    public async Task Ami_control_in_dry_run_sends_nothing()
    {
        await using var ami = await LoggedInAmi.StartAsync();
        var control = new AmiAsteriskControl(ami.Client, new ActuatorOptions { DryRun = true }, NullLogger<AmiAsteriskControl>.Instance);

        Assert.Equal(ActionOutcome.DryRun, await control.ReregisterAsync("mango-registration", default));
        Assert.Equal(ActionOutcome.DryRun, await control.RestartWhenConvenientAsync(default));

        Assert.DoesNotContain("PJSIPRegister", ami.Simulator.ReceivedActions);
        Assert.DoesNotContain("Command", ami.Simulator.ReceivedActions);
    }

    /// <summary>A simulator and a client logged in to it.</summary>
    private sealed class LoggedInAmi : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;

        private LoggedInAmi(AmiSimulator simulator, AmiClient client)
        {
            Simulator = simulator;
            Client = client;
        }

        public AmiSimulator Simulator { get; }
        public AmiClient Client { get; }

        public static async Task<LoggedInAmi> StartAsync()
        {
            var sim = new AmiSimulator();
            sim.Start();
            var ami = new LoggedInAmi(sim, new AmiClient(new AmiClientOptions { Host = sim.Host, Port = sim.Port, Secret = "watchdog-secret" }));
            ami._run = ami.Client.RunAsync(ami._stop.Token);
            await ami.Client.WaitUntilLoggedInAsync(ami._stop.Token);
            return ami;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run;
            await Client.DisposeAsync();
            await Simulator.DisposeAsync();
            _stop.Dispose();
        }
    }
}
