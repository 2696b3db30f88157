using System.Text.Json;
using NSubstitute;
using Quartz;
using Watchdog.Agent.State;
using static Watchdog.Agent.Tests.Metrics.AgentHarness;

namespace Watchdog.Agent.Tests.Metrics;

public class AgentEndToEndTests
{
    private const string Registration = "mango-registration";

    [Fact(Timeout = 60_000)]
    public async Task First_login_resync_exposes_registrations_endpoints_contacts_and_asterisk_info()
    {
        await using var agent = await StartAsync();

        var m = await agent.WaitUntilSyncedAsync();

        Assert.Equal(1, Get(m, "asterisk_registration_registered", ("registration", Registration)));
        Assert.Equal(1, Get(m, "asterisk_endpoint_reachable", ("endpoint", "mango-trunk")));
        Assert.Null(Get(m, "asterisk_endpoint_reachable", ("endpoint", "6001"))); // nothing to reach: no sample, not 0
        Assert.Equal(0.000726, Get(m, "asterisk_contact_roundtrip_seconds", ("endpoint", "elevenlabs-trunk"), ("contact", "elevenlabs-trunk-aor")));
        Assert.Equal(0, Get(m, "asterisk_channels_active", ("endpoint", "mango-trunk")));
        Assert.Equal(0, Get(m, "watchdog_ami_reconnects_total"));
        Assert.True(Get(m, "watchdog_ami_events_total", ("event", "FullyBooted")) >= 1);
        Assert.NotNull(Get(m, "watchdog_ami_last_event_age_seconds"));
        Assert.DoesNotContain(m.Keys, k => k.Contains("127.0.0.1", StringComparison.Ordinal));

        var status = await agent.StatusAsync();
        Assert.Equal("connected", status.GetProperty("ami").GetProperty("state").GetString());
        Assert.Equal("22.10.1", status.GetProperty("asterisk").GetProperty("version").GetString());
        Assert.True(status.GetProperty("asterisk").GetProperty("uptimeSeconds").GetDouble() >= 0);
        var reg = status.GetProperty("registrations").EnumerateArray().Single();
        Assert.Equal((Registration, true), (reg.GetProperty("name").GetString(), reg.GetProperty("registered").GetBoolean()));
        var eleven = Endpoint(status, "elevenlabs-trunk");
        Assert.True(eleven.GetProperty("reachable").GetBoolean());
        Assert.Equal(0.726, eleven.GetProperty("contacts")[0].GetProperty("roundtripMs").GetDouble());
    }

    [Fact(Timeout = 60_000)]
    public async Task Registration_lost_and_back_shows_in_metrics_and_status()
    {
        await using var agent = await StartAsync();
        await agent.WaitUntilSyncedAsync();

        agent.Simulator.SetRegistrationStatus(Registration, "Rejected");
        await agent.WaitForMetricsAsync(m => Get(m, "asterisk_registration_registered", ("registration", Registration)) == 0
            && Get(m, "asterisk_registration_transitions_total", ("registration", Registration), ("status", "Rejected")) == 1, "registration lost");
        var lost = (await agent.StatusAsync()).GetProperty("registrations")[0];
        Assert.Equal("Rejected", lost.GetProperty("status").GetString());

        agent.Simulator.SetRegistrationStatus(Registration, "Registered");
        await agent.WaitForMetricsAsync(m => Get(m, "asterisk_registration_registered", ("registration", Registration)) == 1
            && Get(m, "asterisk_registration_transitions_total", ("registration", Registration), ("status", "Registered")) == 1, "registration back");

        var back = (await agent.StatusAsync()).GetProperty("registrations")[0];
        Assert.Equal("Rejected", back.GetProperty("lastErrorStatus").GetString());
        Assert.Equal(["Rejected", "Registered"], back.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("to").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Contact_unreachable_makes_endpoint_unreachable_and_withdraws_its_roundtrip()
    {
        await using var agent = await StartAsync();
        await agent.WaitUntilSyncedAsync();

        agent.Simulator.SetContactStatus("elevenlabs-trunk", "Unreachable");

        var m = await agent.WaitForMetricsAsync(m => Get(m, "asterisk_endpoint_reachable", ("endpoint", "elevenlabs-trunk")) == 0, "contact unreachable");
        Assert.Null(Get(m, "asterisk_contact_roundtrip_seconds", ("endpoint", "elevenlabs-trunk"), ("contact", "elevenlabs-trunk-aor")));
        Assert.Equal(1, Get(m, "asterisk_endpoint_reachable", ("endpoint", "mango-trunk")));
        var eleven = Endpoint(await agent.StatusAsync(), "elevenlabs-trunk");
        Assert.False(eleven.GetProperty("reachable").GetBoolean());
        Assert.Equal("Unreachable", eleven.GetProperty("contacts")[0].GetProperty("status").GetString());
    }

    [Fact(Timeout = 90_000)]
    public async Task Hundred_concurrent_calls_up_and_down_are_counted_per_endpoint()
    {
        await using var agent = await StartAsync();
        await agent.WaitUntilSyncedAsync();

        var calls = Enumerable.Range(0, 100).Select(_ => agent.Simulator.StartCall()).ToList();
        await agent.WaitForMetricsAsync(m => Get(m, "asterisk_channels_active", ("endpoint", "mango-trunk")) == 100
            && Get(m, "asterisk_channels_active", ("endpoint", "elevenlabs-trunk")) == 100, "100 calls up");
        var up = await agent.StatusAsync();
        Assert.Equal(200, up.GetProperty("channels").GetProperty("active").GetInt32());
        Assert.Equal(100, up.GetProperty("channels").GetProperty("byEndpoint").GetProperty("mango-trunk").GetInt32());

        foreach (var call in calls.Take(10)) agent.Simulator.RtpTimeout(call);
        foreach (var call in calls.Skip(10)) agent.Simulator.Hangup(call);

        var m = await agent.WaitForMetricsAsync(m => Get(m, "asterisk_channels_active", ("endpoint", "mango-trunk")) == 0
            && Get(m, "asterisk_channels_active", ("endpoint", "elevenlabs-trunk")) == 0, "100 calls down");
        Assert.Equal(100, Get(m, "asterisk_calls_total", ("endpoint", "mango-trunk")));
        Assert.Equal(100, Get(m, "asterisk_calls_total", ("endpoint", "elevenlabs-trunk")));
        Assert.Equal(10, Get(m, "asterisk_hangups_total", ("endpoint", "mango-trunk"), ("cause", "44")));
        Assert.Equal(90, Get(m, "asterisk_hangups_total", ("endpoint", "mango-trunk"), ("cause", "16")));
        Assert.Equal(100, Get(m, "asterisk_hangups_total", ("endpoint", "elevenlabs-trunk"), ("cause", "16")));
        Assert.Equal(100, Get(m, "asterisk_call_duration_seconds_count", ("endpoint", "mango-trunk")));
        Assert.DoesNotContain(m.Keys, k => k.Contains("0000", StringComparison.Ordinal) || k.Contains("+7916", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Reconnect_after_changes_while_disconnected_withdraws_gauges_then_resyncs()
    {
        await using var agent = await StartAsync();
        await agent.WaitUntilSyncedAsync();

        await agent.Simulator.StopListeningAsync();
        agent.Simulator.DropConnections();
        var down = await agent.WaitForMetricsAsync(m => Get(m, "watchdog_ami_connected") == 0, "AMI down");
        Assert.DoesNotContain(down.Keys, k => k.StartsWith("asterisk_registration_registered", StringComparison.Ordinal)
            || k.StartsWith("asterisk_endpoint_reachable", StringComparison.Ordinal)
            || k.StartsWith("asterisk_contact_roundtrip_seconds", StringComparison.Ordinal)
            || k.StartsWith("asterisk_channels_active", StringComparison.Ordinal));
        Assert.Equal("down", (await agent.StatusAsync()).GetProperty("ami").GetProperty("state").GetString());

        // Nobody is connected to hear these.
        agent.Simulator.SetRegistrationStatus(Registration, "Rejected");
        agent.Simulator.SetContactStatus("elevenlabs-trunk", "Unreachable");
        agent.Simulator.Start();

        var m = await agent.WaitForMetricsAsync(m => Get(m, "watchdog_ami_connected") == 1
            && Get(m, "asterisk_registration_registered", ("registration", Registration)) == 0
            && Get(m, "asterisk_endpoint_reachable", ("endpoint", "elevenlabs-trunk")) == 0, "resync after reconnect");
        Assert.Equal(1, Get(m, "watchdog_ami_reconnects_total"));
        Assert.Equal(1, Get(m, "asterisk_registration_transitions_total", ("registration", Registration), ("status", "Rejected")));
        Assert.Equal(1, Get(m, "asterisk_endpoint_reachable", ("endpoint", "mango-trunk")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Periodic_resync_job_catches_a_change_no_event_announced()
    {
        await using var agent = await StartAsync();
        await agent.WaitUntilSyncedAsync();

        agent.Simulator.Pbx.Registration(Registration).Status = "Rejected";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await new PbxResyncJob(agent.Tracker).Execute(Substitute.For<IJobExecutionContext>(), cts.Token);

        Assert.False(agent.Store.Current.Registrations[Registration].IsRegistered);
        var m = await agent.ScrapeAsync();
        Assert.Equal(0, Get(m, "asterisk_registration_registered", ("registration", Registration)));
    }

    private static JsonElement Endpoint(JsonElement status, string name) =>
        status.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
}
