using Microsoft.Extensions.Time.Testing;
using Watchdog.Ami;
using Watchdog.Agent.Tests.Metrics;

namespace Watchdog.Agent.Tests.State;

public class PbxStateTrackerTests
{
    [Fact(Timeout = 60_000)]
    public async Task Events_that_arrive_after_a_list_was_read_survive_the_resync()
    {
        await using var agent = await AgentHarness.StartAsync();
        await agent.WaitUntilSyncedAsync();
        var callStarted = 0;
        var appliedLive = false;
        // CoreSettings is read after CoreShowChannels: a call started now is missing from the channel list.
        // CoreStatus (the last read) is held until the call's events were applied live, so they land
        // inside the resync window for sure and only the journal replay can keep them.
        agent.Simulator.ActionHook = (action, _) =>
        {
            if (action == "CoreSettings" && Interlocked.Exchange(ref callStarted, 1) == 0) agent.Simulator.StartCall();
            if (action == "CoreStatus" && Volatile.Read(ref callStarted) == 1)
            {
                appliedLive = SpinWait.SpinUntil(() => agent.Store.Current.Channels.Count == 2, TimeSpan.FromSeconds(10));
            }
            return null;
        };

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await agent.Tracker.ResyncAsync(cts.Token);

        var s = agent.Store.Current;
        Assert.Equal(1, callStarted);
        Assert.True(appliedLive, "the call's events never reached the tracker during the resync");
        Assert.Equal(2, s.Channels.Count);
        Assert.Equal(1, s.ActiveChannelsByEndpoint()["mango-trunk"]);
        Assert.Equal(1, s.Totals.Calls["mango-trunk"].CallsStarted);
    }

    [Fact(Timeout = 60_000)]
    public async Task Dropped_events_signal_triggers_a_resync()
    {
        await using var agent = await AgentHarness.StartAsync();
        await agent.WaitUntilSyncedAsync();
        var before = agent.Store.Current.LastResyncAt;
        agent.Simulator.Pbx.Registration("mango-registration").Status = "Rejected";

        await agent.Tracker.OnResyncRequiredAsync(new AmiResyncRequired(10, 10), CancellationToken.None);

        await agent.WaitForMetricsAsync(m => AgentHarness.Get(m, "asterisk_registration_registered", ("registration", "mango-registration")) == 0,
            "resync after dropped events");
        Assert.NotEqual(before, agent.Store.Current.LastResyncAt);
    }

    [Fact(Timeout = 60_000)]
    public async Task Resync_while_ami_is_down_does_nothing()
    {
        await using var agent = await AgentHarness.StartAsync();
        await agent.WaitUntilSyncedAsync();
        await agent.Simulator.StopListeningAsync();
        agent.Simulator.DropConnections();
        await agent.WaitForMetricsAsync(m => AgentHarness.Get(m, "watchdog_ami_connected") == 0, "AMI down");
        var before = agent.Store.Current;

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await agent.Tracker.ResyncAsync(cts.Token);

        Assert.Equal(before.LastResyncAt, agent.Store.Current.LastResyncAt);
        Assert.Equal(before.Registrations, agent.Store.Current.Registrations);
    }

    [Fact(Timeout = 60_000)]
    public async Task Failed_resync_applies_nothing_and_the_next_one_does()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var agent = await AgentHarness.StartAsync(time);
        await agent.WaitUntilSyncedAsync();
        var before = agent.Store.Current;
        agent.Simulator.Pbx.Registration("mango-registration").Status = "Rejected";
        agent.Simulator.SilentActions["CoreShowChannels"] = true;
        var asked = agent.Simulator.ReceivedActions.Count(a => a == "CoreShowChannels");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var resync = agent.Tracker.ResyncAsync(cts.Token);
        // The action's timeout runs on the fake clock: let it pass once the unanswered action is out.
        while (agent.Simulator.ReceivedActions.Count(a => a == "CoreShowChannels") == asked) await Task.Delay(10, cts.Token);
        time.Advance(TimeSpan.FromSeconds(6));
        await resync;

        // The registration list was read before the timeout, but a partial resync must not be applied.
        Assert.True(agent.Store.Current.Registrations["mango-registration"].IsRegistered);
        Assert.Equal(before.LastResyncAt, agent.Store.Current.LastResyncAt);

        agent.Simulator.SilentActions.TryRemove("CoreShowChannels", out _);
        await agent.Tracker.ResyncAsync(cts.Token);

        Assert.False(agent.Store.Current.Registrations["mango-registration"].IsRegistered);
    }
}
