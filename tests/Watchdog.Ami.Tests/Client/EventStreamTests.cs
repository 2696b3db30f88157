using Watchdog.Ami.Events;
using Watchdog.Simulator;

namespace Watchdog.Ami.Tests.Client;

public class EventStreamTests
{
    [Fact(Timeout = 30_000)]
    public async Task Login_is_followed_by_FullyBooted()
    {
        await using var t = await ClientAndSimulator.StartAsync(waitForLogin: false);

        var booted = FullyBootedEvent.From(await t.Observer.WaitForEvent("FullyBooted"))!;

        Assert.Equal("Fully Booted", booted.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task State_changes_arrive_in_order_before_the_events_of_the_session()
    {
        await using var t = await ClientAndSimulator.StartAsync(waitForLogin: false);
        await t.Observer.WaitForEvent("FullyBooted");

        var states = t.Observer.States.Select(s => s.State).ToList();
        Assert.Equal([AmiConnectionState.Connecting, AmiConnectionState.Connected, AmiConnectionState.LoggedIn], states);
    }

    [Fact(Timeout = 30_000)]
    public async Task Registration_and_contact_changes_are_delivered_as_typed_events()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        t.Simulator.SetRegistrationStatus("mango-registration", "Rejected");
        t.Simulator.SetContactStatus("elevenlabs-trunk", "Unreachable");

        var registry = RegistryEvent.From(await t.Observer.WaitForEvent("Registry"))!;
        var contact = ContactStatusEvent.From(await t.Observer.WaitForEvent("ContactStatus"))!;
        Assert.Equal("Rejected", registry.Status);
        Assert.Equal("sip:mango-user@127.0.0.1:5070", registry.Username);
        Assert.Equal("elevenlabs-trunk", contact.EndpointName);
        Assert.Equal("Unreachable", contact.ContactStatus);
    }

    [Fact(Timeout = 30_000)]
    public async Task Calls_and_rtp_timeout_hangups_carry_their_cause()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var call = t.Simulator.StartCall();
        var created = NewchannelEvent.From(await t.Observer.WaitForEvent("Newchannel"))!;
        t.Simulator.RtpTimeout(call);
        var hangup = HangupEvent.From(await t.Observer.WaitForEvent("Hangup"))!;

        Assert.Equal(call.CallerChannel, created.Channel);
        Assert.Equal(call.CallerChannel, hangup.Channel);
        Assert.Equal(44, hangup.Cause);
        Assert.Equal("Requested channel not available", hangup.CauseText);
    }

    [Fact(Timeout = 30_000)]
    public async Task Security_events_keep_the_remote_address()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        t.Simulator.EmitSecurity("InvalidAccountID", "PJSIP", "9999", "IPV4/UDP/203.0.113.5/5060");
        var ev = await t.Observer.WaitForEvent("InvalidAccountID");

        var security = SecurityEvent.From(ev)!;
        Assert.Equal("IPV4/UDP/203.0.113.5/5060", security.RemoteAddress);
        Assert.Equal("PJSIP", security.Service);
        Assert.Equal("9999", security.AccountId);
    }

    [Fact(Timeout = 30_000)]
    public async Task Events_mask_limits_the_stream_to_the_classes_asked_for()
    {
        await using var t = await ClientAndSimulator.StartAsync(o => o with { Events = "system" });

        t.Simulator.EmitSecurity("InvalidAccountID", "PJSIP", "9999", "IPV4/UDP/203.0.113.5/5060");
        t.Simulator.StartCall();
        t.Simulator.SetRegistrationStatus("mango-registration", "Rejected"); // system class: delivered, and after the others
        await t.Observer.WaitForEvent("Registry");

        Assert.DoesNotContain("InvalidAccountID", t.Observer.EventNames);
        Assert.DoesNotContain("Newchannel", t.Observer.EventNames);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failing_observer_does_not_stop_the_others()
    {
        await using var t = await ClientAndSimulator.StartAsync();
        var second = new RecordingObserver();
        t.Observer.OnEvent = (_, _) => throw new InvalidOperationException("boom");
        t.Client.Subscribe(second);

        t.Simulator.SetRegistrationStatus("mango-registration", "Unregistered");

        await second.WaitForEvent("Registry");
    }

    [Fact(Timeout = 30_000)]
    public async Task Flood_with_a_slow_consumer_stays_bounded_and_reports_overflow()
    {
        const int flood = 100_000;
        const int capacity = 1_000;
        await using var t = await ClientAndSimulator.StartAsync(o => o with { EventQueueCapacity = capacity, PingInterval = TimeSpan.Zero });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = 0;
        t.Observer.OnEvent = async (m, ct) =>
        {
            if (m.EventName == "VarSet")
            {
                Interlocked.Increment(ref delivered);
                await gate.Task.WaitAsync(ct); // the consumer is stuck until the flood is over
            }
        };

        var ev = AmiWire.Event("VarSet", "dialplan,all").Add("Channel", "PJSIP/mango-trunk-00000001").Add("Variable", "RTPAUDIOQOS")
            .Add("Value", "ssrc=1;themssrc=2;lp=0;rxjitter=0.000;rxcount=400;txjitter=0.000;txcount=400;rlp=0;rtt=0.000")
            .Add("Uniqueid", "1795680120.0").Add("Linkedid", "1795680120.0").ToBytes();
        var block = Enumerable.Repeat(ev, 1000).SelectMany(b => b).ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < flood / 1000; i++)
        {
            await t.Simulator.SendRawAsync(block);
        }
        t.Simulator.SetRegistrationStatus("mango-registration", "Rejected"); // a marker after the flood
        await WaitUntil(() => t.Client.DroppedEvents >= flood - capacity - 1);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        gate.SetResult();
        var resync = await t.Observer.WaitFor<AmiResyncRequired>(_ => true);
        Assert.True(resync.TotalDroppedEvents >= flood - capacity - 1, $"dropped {resync.TotalDroppedEvents}");
        Assert.InRange(after - before, long.MinValue, 32L * 1024 * 1024);
        Assert.Equal(AmiConnectionState.LoggedIn, t.Client.State);
        var pong = await t.Client.SendAsync(AmiActions.Ping());
        Assert.True(pong.IsSuccess);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }
}
