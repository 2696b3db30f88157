using Watchdog.Agent.Alerting;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Tests.Healing;

/// <summary>
/// Each row of the healing policy table through the healer, on fake time, fed the captured messages log
/// of a real Asterisk 22 answered 403 for a minute (seed layout).
/// </summary>
public class CausePolicyTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>Plays the captured 403 lines, one every 10 s as Asterisk retried, ticking the healer each second.</summary>
    private static async Task Replay403Async(HealingRig rig, TimeSpan length)
    {
        var lines = SeedLayout.Forbidden403Lines();
        Assert.NotEmpty(lines);
        var i = 0;
        for (var t = TimeSpan.Zero; t < length; t += Second)
        {
            if (t.TotalSeconds % 10 == 0)
            {
                rig.Causes.Record((RegistrationFailureLogged)AsteriskLogLine.Parse(lines[i++ % lines.Count])!);
            }
            await rig.After(Second);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Sustained_403_is_re_registered_once_never_restarted_and_alerted_once_naming_the_credentials()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Pbx.EveryPeerUnreachable(); // even with evidence against Asterisk, a 403 is the provider's answer

        await Replay403Async(rig, TimeSpan.FromMinutes(5));

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        var lost = Assert.Single(rig.Alerts.Published, a => a.Kind == AlertKind.RegistrationLost);
        Assert.Equal(AlertSeverity.Critical, lost.Severity);
        Assert.Equal("403", lost.Details["cause"]);
        Assert.Equal(HealingPolicy.CheckCredentials, lost.Details["check"]);
        var en = new NotificationRenderer("en").Render([lost]).Text;
        var ru = new NotificationRenderer("ru").Render([lost]).Text;
        Assert.Contains("[mango-auth] username and password", en, StringComparison.Ordinal);
        Assert.Contains("server_uri/client_uri", en, StringComparison.Ordinal);
        Assert.Contains("never restarts Asterisk", en, StringComparison.Ordinal);
        Assert.Contains("[mango-auth]", ru, StringComparison.Ordinal);
        Assert.Contains("никогда не перезапускает Asterisk", ru, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_403_logged_while_ami_still_says_registered_is_still_a_403_and_never_a_restart()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Registered", rig.Time.GetUtcNow());
        await rig.After(Second);

        // The captured 403 line is read before AMI's Registry event: the healer's next tick still sees the registration up.
        rig.Causes.Record((RegistrationFailureLogged)AsteriskLogLine.Parse(SeedLayout.Forbidden403Lines()[0])!);
        await rig.After(Second);
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Pbx.EveryPeerUnreachable(); // evidence against Asterisk that an unknown cause would act on

        for (var t = TimeSpan.Zero; t < TimeSpan.FromMinutes(10); t += Second)
        {
            await rig.After(Second);
        }

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        Assert.Equal("403", Assert.Single(rig.Alerts.Published, a => a.Kind == AlertKind.RegistrationLost).Details["cause"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Sustained_403_reloads_pjsip_when_the_operator_fixed_the_file_but_did_not_reload()
    {
        var rig = new HealingRig();
        var now = rig.Time.GetUtcNow();
        rig.Config.Facts = new PjsipConfigFacts(NewestFileAt: now - TimeSpan.FromMinutes(1), LastReloadAt: now - TimeSpan.FromHours(2));
        rig.Pbx.Registration("Rejected", now);

        await Replay403Async(rig, TimeSpan.FromMinutes(5));

        Assert.Equal(["reregister mango-registration", "reload_pjsip"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        Assert.Single(rig.Config.Reloads);
    }

    [Fact(Timeout = 30_000)]
    public async Task Recovery_long_after_the_last_action_says_the_cause_cleared_outside_the_agent_and_counts_no_heal()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        await Replay403Async(rig, TimeSpan.FromSeconds(64)); // the capture: 403 from 6 s to 64 s; re-register at 60 s
        await rig.After(TimeSpan.FromSeconds(95));             // the registrar accepts again, long after the re-register's wait
        rig.Pbx.Registration("Registered", rig.Time.GetUtcNow());

        await rig.After(Second);

        var restored = rig.Alerts.Published.Last();
        Assert.Equal(AlertKind.RegistrationRestored, restored.Kind);
        Assert.Equal("false", restored.Details["healed"]);
        Assert.Equal("reregister", restored.Details["last_action"]);
        Assert.Contains("the cause cleared outside the agent", new NotificationRenderer("en").Render([restored]).Text, StringComparison.Ordinal);
        var metrics = await rig.ScrapeAsync();
        Assert.Contains("watchdog_remediations_total{action=\"reregister\",reason=\"registration_lost\",outcome=\"sent\"} 1", metrics);
        Assert.DoesNotContain("outcome=\"healed\"} 1", metrics);
    }

    [Fact(Timeout = 30_000)]
    public async Task Recovery_within_the_actions_wait_is_healed_and_says_by_what()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        await rig.After(60 * Second);                            // re-register
        await rig.After(4 * Second);
        rig.Pbx.Registration("Registered", rig.Time.GetUtcNow());

        await rig.After(Second);

        var restored = rig.Alerts.Published.Last();
        Assert.Equal(AlertKind.RegistrationRestored, restored.Kind);
        Assert.Equal("true", restored.Details["healed"]);
        Assert.Contains("Healed by reregister", new NotificationRenderer("en").Render([restored]).Text, StringComparison.Ordinal);
        Assert.Contains("watchdog_remediations_total{action=\"reregister\",reason=\"registration_lost\",outcome=\"healed\"} 1", await rig.ScrapeAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Timeout_of_one_provider_is_re_registered_but_never_restarts_Asterisk()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Pbx.Current = rig.Pbx.Current with { QualifiedContactsReachable = 1 }; // the voice-AI peer still answers
        rig.Causes.Record((RegistrationFailureLogged)AsteriskLogLine.Parse(
            "[2026-12-01 18:34:46.393] WARNING[32650] res_pjsip_outbound_registration.c: No response received from 'sip:127.0.0.1:5070' on registration attempt to 'sip:mango-user@127.0.0.1:5070', retrying in '10'")!);

        await rig.After(60 * Second);
        await rig.After(TimeSpan.FromMinutes(10));

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        Assert.Equal(HealingPolicy.CheckNetwork, rig.Alerts.Published.Last(a => a.Kind == AlertKind.RegistrationLost).Details["check"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Timeout_with_every_peer_failing_restarts_Asterisk_through_the_budget()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Pbx.EveryPeerUnreachable();
        rig.Causes.Record((RegistrationFailureLogged)AsteriskLogLine.Parse(
            "[2026-12-01 18:34:46.393] WARNING[32650] res_pjsip_outbound_registration.c: No response received from 'sip:127.0.0.1:5070' on registration attempt to 'sip:mango-user@127.0.0.1:5070', retrying in '10'")!);

        await rig.After(60 * Second);      // re-register
        await rig.After(30 * Second);      // no config change: no reload; evidence against Asterisk: restart

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(1, rig.Service.Restarts);
    }

    [Fact(Timeout = 30_000)]
    public async Task Every_step_is_its_own_alert_the_action_is_in_the_dedup_key()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        await rig.After(60 * Second);
        await rig.After(30 * Second);

        var keys = rig.Alerts.Published.Where(a => a.Kind == AlertKind.Remediation).Select(a => a.Key).ToList();
        Assert.Equal(["Remediation:mango-registration:reregister:Sent", "Remediation:mango-registration:reload_pjsip:Sent"], keys);
    }
}
