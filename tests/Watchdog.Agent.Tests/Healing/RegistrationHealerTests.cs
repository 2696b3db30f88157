using Watchdog.Agent.Alerting;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Tests.Healing;

public class RegistrationHealerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact(Timeout = 30_000)]
    public async Task Registration_rejected_for_longer_than_grace_triggers_reregister()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());

        await rig.After(59 * Second);
        Assert.Empty(rig.Asterisk.Calls);

        await rig.After(1 * Second);
        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Contains(AlertKind.RegistrationLost, rig.Alerts.Kinds);
        Assert.Contains(AlertKind.Remediation, rig.Alerts.Kinds);
    }

    [Fact(Timeout = 30_000)]
    public async Task Unknown_cause_climbs_from_reregister_to_reload_and_stops_there_without_evidence_against_Asterisk()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());

        await rig.After(60 * Second);            // grace over → re-register
        await rig.After(30 * Second);            // → reload
        await rig.After(60 * Second);            // nothing more: one trunk down is not Asterisk's fault
        await rig.After(TimeSpan.FromMinutes(3));

        Assert.Equal(["reregister mango-registration", "reload_pjsip"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        var exhausted = rig.Alerts.Published.Last(a => a.Kind == AlertKind.RegistrationLost);
        Assert.Equal("ladder-exhausted:mango-registration", exhausted.Key);
        Assert.Equal(HealingPolicy.CheckNetwork, exhausted.Details["check"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Unknown_cause_with_every_peer_failing_climbs_to_restart_then_gives_up()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Pbx.EveryPeerUnreachable();

        await rig.After(60 * Second);            // grace over → re-register
        await rig.After(29 * Second);            // still within the re-register's wait
        Assert.Single(rig.Asterisk.Calls);
        await rig.After(1 * Second);             // → reload
        await rig.After(60 * Second);            // → restart (no calls up)
        await rig.After(TimeSpan.FromMinutes(3)); // → exhausted

        Assert.Equal(["reregister mango-registration", "reload_pjsip"], rig.Asterisk.Calls);
        Assert.Equal(1, rig.Service.Restarts);
        var exhausted = rig.Alerts.Published.Last();
        Assert.Equal(AlertKind.RegistrationLost, exhausted.Kind);
        Assert.Equal("ladder-exhausted:mango-registration", exhausted.Key);
    }

    [Fact(Timeout = 30_000)]
    public async Task Registration_that_Asterisk_gave_up_on_is_healed_at_once_with_its_cause()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Causes.Record((RegistrationFailureLogged)AsteriskLogLine.Parse(
            "[2026-11-26 08:00:36.448] WARNING[11987] res_pjsip_outbound_registration.c: Fatal response '403' received from 'sip:127.0.0.1:5070' on registration attempt to 'sip:mango-user@127.0.0.1:5070', stopping outbound registration")!);

        await rig.After(Second);

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        var lost = rig.Alerts.Published.First(a => a.Kind == AlertKind.RegistrationLost);
        Assert.Equal("403", lost.Details["cause"]);
        Assert.Equal("true", lost.Details["permanent"]);
        Assert.Contains("reason=\"registration_stopped\"", await rig.ScrapeAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Recovery_stops_the_ladder_and_sends_restored()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        await rig.After(60 * Second);
        rig.Pbx.Registration("Registered", rig.Time.GetUtcNow());

        await rig.After(TimeSpan.FromMinutes(10));

        Assert.Single(rig.Asterisk.Calls);
        Assert.Equal(AlertKind.RegistrationRestored, rig.Alerts.Published.Last().Kind);
    }

    [Fact(Timeout = 30_000)]
    public async Task Restart_waits_for_active_calls_until_they_end()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow(), channels: 4);
        rig.Pbx.EveryPeerUnreachable();
        await rig.After(60 * Second);
        await rig.After(30 * Second);
        await rig.After(60 * Second);    // restart is due, but 4 channels are up
        await rig.After(5 * Second);
        Assert.Equal(0, rig.Service.Restarts);

        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow() - TimeSpan.FromMinutes(3), channels: 0);
        rig.Pbx.EveryPeerUnreachable();
        await rig.After(5 * Second);

        Assert.Equal(1, rig.Service.Restarts);
    }

    [Fact(Timeout = 30_000)]
    public async Task Restart_goes_ahead_when_the_calls_deadline_passes()
    {
        var rig = new HealingRig(new HealingOptions { RestartCallsDeadline = TimeSpan.FromMinutes(15) });
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow(), channels: 2);
        rig.Pbx.EveryPeerUnreachable();
        await rig.After(60 * Second);
        await rig.After(30 * Second);
        await rig.After(60 * Second);
        await rig.After(TimeSpan.FromMinutes(14));
        Assert.Equal(0, rig.Service.Restarts);

        await rig.After(TimeSpan.FromMinutes(1));

        Assert.Equal(1, rig.Service.Restarts);
    }

    [Fact(Timeout = 30_000)]
    public async Task Hitting_the_hourly_cap_stops_acting_and_alerts_until_the_hour_passes()
    {
        var rig = new HealingRig(new HealingOptions { MaxActionsPerHour = 2, LadderResetAfter = TimeSpan.FromMinutes(1) });
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Pbx.EveryPeerUnreachable();

        await rig.After(60 * Second);           // reregister (1)
        await rig.After(30 * Second);           // reload (2)
        await rig.After(60 * Second);           // restart refused: cap
        await rig.After(TimeSpan.FromMinutes(5));

        Assert.Equal(2, rig.Asterisk.Calls.Count);
        Assert.Equal(0, rig.Service.Restarts);
        Assert.Single(rig.Alerts.Published, a => a.Kind == AlertKind.RemediationCapReached);
        Assert.Contains("watchdog_remediation_cap_reached 1", await rig.ScrapeAsync());

        await rig.After(TimeSpan.FromHours(1));

        Assert.Contains(AlertKind.RemediationCapCleared, rig.Alerts.Kinds);
        Assert.Equal(1, rig.Service.Restarts);
        Assert.Contains("watchdog_remediation_cap_reached 0", await rig.ScrapeAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Cooldown_keeps_a_second_reregister_from_following_too_soon()
    {
        var rig = new HealingRig(new HealingOptions { ReregisterCooldown = TimeSpan.FromMinutes(30), RestartWait = Second, ReloadWait = Second, ReregisterWait = Second, LadderResetAfter = TimeSpan.FromMinutes(2) });
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        await rig.After(60 * Second);           // reregister
        await rig.After(Second);                // reload
        await rig.After(Second);                // restart
        await rig.After(Second);                // exhausted
        await rig.After(TimeSpan.FromMinutes(2)); // ladder starts over: reregister is cooling down

        await rig.After(TimeSpan.FromMinutes(1));

        Assert.Single(rig.Asterisk.Calls, c => c.StartsWith("reregister", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Every_action_is_counted_with_action_reason_and_outcome()
    {
        var rig = new HealingRig();
        rig.Asterisk.Outcome = ActionOutcome.Failed;
        rig.Pbx.Registration("Unregistered", rig.Time.GetUtcNow());

        await rig.After(60 * Second);

        Assert.Contains("watchdog_remediations_total{action=\"reregister\",reason=\"registration_lost\",outcome=\"failed\"} 1", await rig.ScrapeAsync());
        Assert.Equal(RemediationOutcome.Failed, rig.Alerts.Published.Single(a => a.Kind == AlertKind.Remediation).Outcome);
    }

    [Fact(Timeout = 30_000)]
    public async Task Nothing_is_done_while_AMI_is_down()
    {
        var rig = new HealingRig();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Pbx.Current = rig.Pbx.Current with { AmiLoggedIn = false };

        await rig.After(TimeSpan.FromMinutes(5));

        Assert.Empty(rig.Asterisk.Calls);
    }

    [Fact]
    public void Invalid_healing_options_are_listed_together()
    {
        var problems = new HealingOptions { MaxActionsPerHour = 0, TickInterval = TimeSpan.Zero, RestartSchedule = "every sunday",
            Service = new ServiceManagerOptions { SystemctlPath = "systemctl", Unit = "-x" } }.Validate();

        Assert.Contains(problems, p => p.Contains("MaxActionsPerHour"));
        Assert.Contains(problems, p => p.Contains("TickInterval"));
        Assert.Contains(problems, p => p.Contains("RestartSchedule"));
        Assert.Contains(problems, p => p.Contains("SystemctlPath"));
        Assert.Contains(problems, p => p.Contains("Unit"));
    }
}
