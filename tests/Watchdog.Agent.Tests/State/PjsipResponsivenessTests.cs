using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.State;
using Watchdog.Agent.Tests.Metrics;
using Watchdog.Ami;

namespace Watchdog.Agent.Tests.State;

/// <summary>The real host against the simulator: PJSIP actions left unanswered while AMI (pings included) answers.</summary>
public class PjsipResponsivenessTests
{
    private static async Task WaitForActionAsync(AgentHarness agent, string action, int seen, CancellationToken ct)
    {
        // The action's timeout runs on the fake clock: it may pass only once the unanswered action is out.
        while (agent.Simulator.ReceivedActions.Count(a => a == action) == seen) await Task.Delay(10, ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Resync_whose_pjsip_action_times_out_while_ami_answers_says_pjsip_is_not_answering_until_it_answers_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var agent = await AgentHarness.StartAsync(time);
        await agent.WaitUntilSyncedAsync();
        var pjsip = agent.App.Services.GetRequiredService<PjsipResponsiveness>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        Assert.True(pjsip.Last?.Answered); // the first resync's PJSIP actions answered
        Assert.Same(pjsip, agent.App.Services.GetRequiredService<IPjsipProbe>()); // what the healer asks is what the tracker tells
        Assert.IsType<Watchdog.Agent.Healing.SystemServerNameResolver>(agent.App.Services.GetRequiredService<Watchdog.Agent.Healing.IServerNameResolver>());

        agent.Simulator.SilentActions["PJSIPShowEndpoints"] = true;
        var seen = agent.Simulator.ReceivedActions.Count(a => a == "PJSIPShowEndpoints");
        var resync = agent.Tracker.ResyncAsync(cts.Token);
        await WaitForActionAsync(agent, "PJSIPShowEndpoints", seen, cts.Token);
        time.Advance(TimeSpan.FromSeconds(6));
        await resync;

        Assert.Equal(AmiConnectionState.LoggedIn, agent.Client.State);
        Assert.Equal((false, "PJSIPShowEndpoints"), (pjsip.Last!.Value.Answered, pjsip.Last.Value.Action));
        Assert.False(await pjsip.AnsweringAsync(cts.Token));
        Assert.True((await agent.Client.SendAsync(AmiActions.Ping(), cts.Token)).IsSuccess); // the manager itself answers

        agent.Simulator.SilentActions.TryRemove("PJSIPShowEndpoints", out _);
        time.Advance(PjsipResponsiveness.MaxAge); // the observation is stale: the probe asks Asterisk itself
        var asked = agent.Simulator.ReceivedActions.Count(a => a == "PJSIPShowRegistrationsOutbound");
        Assert.True(await pjsip.AnsweringAsync(cts.Token));
        Assert.Equal(asked + 1, agent.Simulator.ReceivedActions.Count(a => a == "PJSIPShowRegistrationsOutbound"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Probe_whose_pjsip_action_times_out_says_not_answering_and_a_new_ami_session_forgets_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var agent = await AgentHarness.StartAsync(time);
        await agent.WaitUntilSyncedAsync();
        var pjsip = agent.App.Services.GetRequiredService<PjsipResponsiveness>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        agent.Simulator.SilentActions["PJSIPShowRegistrationsOutbound"] = true;
        time.Advance(PjsipResponsiveness.MaxAge);
        var seen = agent.Simulator.ReceivedActions.Count(a => a == "PJSIPShowRegistrationsOutbound");

        var answering = pjsip.AnsweringAsync(cts.Token);
        await WaitForActionAsync(agent, "PJSIPShowRegistrationsOutbound", seen, cts.Token);
        time.Advance(TimeSpan.FromSeconds(6));

        Assert.False(await answering);
        Assert.Equal(AmiConnectionState.LoggedIn, agent.Client.State);

        agent.Simulator.SilentActions.TryRemove("PJSIPShowRegistrationsOutbound", out _);
        agent.Simulator.DropConnections();
        await agent.WaitForMetricsAsync(m => AgentHarness.Get(m, "watchdog_ami_connected") == 0, "AMI down");
        time.Advance(TimeSpan.FromSeconds(1)); // the reconnect's back-off runs on the fake clock too
        await agent.WaitForMetricsAsync(m => AgentHarness.Get(m, "watchdog_ami_connected") == 1, "AMI back");

        // Still within MaxAge of the old session's timeout: only forgetting it at the disconnect makes this true.
        Assert.True(await pjsip.AnsweringAsync(cts.Token));
    }
}
