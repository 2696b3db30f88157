using System.Net.Http.Json;
using System.Text.Json;
using Watchdog.Simulator;

namespace Watchdog.Agent.Tests.Hosting;

public class AgentHostEndToEndTests
{
    [Fact(Timeout = 60_000)]
    public async Task Registration_that_Asterisk_gave_up_on_is_brought_back_by_the_agent_and_the_cause_is_shown()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        await agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");

        // Maintenance holds healing while the provider blips (a 403 is re-registered once: it must not race the blip's end).
        (await agent.Http.PostAsJsonAsync("/api/maintenance", new { durationSeconds = 600, reason = "provider blip" })).EnsureSuccessStatusCode();
        agent.Simulator.SetRegistrar("mango-registration", RegistrarBehaviour.Forbids, permanent: true);
        await agent.WaitForMetricAsync("asterisk_registration_failures_total{registration=\"mango-registration\",cause=\"403\"} 1");
        var down = await agent.StatusAsync();
        var registration = down.GetProperty("registrations")[0];
        Assert.True(down.GetProperty("maintenance").GetProperty("active").GetBoolean());
        Assert.Equal("provider blip", down.GetProperty("maintenance").GetProperty("reason").GetString());
        Assert.DoesNotContain("PJSIPRegister", agent.Simulator.ReceivedActions);
        agent.Simulator.SetRegistrar("mango-registration", RegistrarBehaviour.Accepts);
        (await agent.Http.DeleteAsync("/api/maintenance")).EnsureSuccessStatusCode();

        var metrics = await agent.WaitForMetricAsync("watchdog_remediations_total{action=\"reregister\",reason=\"registration_stopped\",outcome=\"sent\"} 1");
        await agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");
        Assert.Contains("PJSIPRegister", agent.Simulator.ReceivedActions);
        Assert.Equal("403", registration.GetProperty("lastFailureCause").GetString());
        Assert.True(registration.GetProperty("failurePermanent").GetBoolean());
        Assert.Contains("watchdog_remediation_cap_reached 0", metrics);
        await agent.WaitForMetricAsync("watchdog_remediations_total{action=\"reregister\",reason=\"registration_stopped\",outcome=\"healed\"} 1");
        var after = await agent.StatusAsync();
        var recovered = after.GetProperty("registrations")[0];
        Assert.Equal("403", recovered.GetProperty("lastFailureCause").GetString()); // kept after recovery, with its time
        Assert.Equal(JsonValueKind.String, recovered.GetProperty("lastFailureAt").ValueKind);
        Assert.False(after.GetProperty("maintenance").GetProperty("active").GetBoolean());
    }

    [Fact(Timeout = 60_000)]
    public async Task Ssh_brute_force_in_auth_log_is_banned_and_shown_in_status()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");

        for (var i = 0; i < 3; i++)
        {
            File.AppendAllText(agent.AuthLog, $"Nov 26 07:40:0{i} pbx sshd[41{i}]: Failed password for invalid user 1.2.3.4 from 203.0.113.77 port 5{i}000 ssh2\n");
        }

        await agent.WaitForMetricAsync("watchdog_bans_active 1");
        var status = await agent.StatusAsync();
        Assert.Equal("203.0.113.77", status.GetProperty("bans")[0].GetProperty("address").GetString());
        Assert.Equal(["block 203.0.113.77"], agent.Parts.Firewall.Calls);
        Assert.Contains(status.GetProperty("recentActions").EnumerateArray(), a => a.GetProperty("action").GetString() == "ban");
    }

    [Fact(Timeout = 60_000)]
    public async Task Rtp_timeouts_are_counted_per_endpoint_once_each_from_log_and_hangup()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");

        var call = agent.Simulator.StartCall();
        agent.Simulator.RtpTimeout(call);

        await agent.WaitForMetricAsync("asterisk_rtp_timeouts_total{endpoint=\"mango-trunk\"} 1");

        // Both sources read in order, so once each has reported a later call of its own, each has also seen
        // the first call: one marker call known only to the log, one known only to AMI (cause 44).
        var logOnly = agent.Simulator.StartCall(from: "elevenlabs-trunk", to: "mango-trunk");
        var amiOnly = agent.Simulator.StartCall(from: "elevenlabs-trunk", to: "mango-trunk");
        await File.AppendAllTextAsync(agent.MessagesLog,
            $"[{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fff}] NOTICE[1] res_pjsip_sdp_rtp.c: Disconnecting channel '{logOnly.CallerChannel}' for lack of audio RTP activity in 8 seconds\n");
        agent.Simulator.Hangup(amiOnly, cause: 44, causeText: "Requested channel not available");
        await agent.WaitForMetricAsync("asterisk_rtp_timeouts_total{endpoint=\"elevenlabs-trunk\"} 2");

        Assert.Contains("asterisk_rtp_timeouts_total{endpoint=\"mango-trunk\"} 1", await agent.MetricsAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_ban_waiting_for_the_firewall_does_not_stall_the_ami_events_behind_it()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        await agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");
        var firewall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Parts.Firewall.Gate = firewall;

        // A SIP brute force over AMI: the third failure bans, and the ban now waits for the firewall.
        for (var i = 0; i < 3; i++)
        {
            agent.Simulator.EmitSecurity("InvalidAccountID", "PJSIP", "100" + i, "IPV4/UDP/203.0.113.60/5060");
        }
        while (!agent.Parts.Firewall.Calls.Contains("block 203.0.113.60")) await Task.Delay(20);

        // Events after the security events still reach the state model while ufw has not answered.
        agent.Simulator.SetContactStatus("elevenlabs-trunk", "Unreachable");
        await agent.WaitForMetricAsync("asterisk_endpoint_reachable{endpoint=\"elevenlabs-trunk\"} 0");

        firewall.SetResult();
        await agent.WaitForMetricAsync("watchdog_bans_active 1");
    }
}
