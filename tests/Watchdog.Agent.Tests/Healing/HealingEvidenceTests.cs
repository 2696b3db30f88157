using Watchdog.Agent.Alerting;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Tests.Healing;

/// <summary>
/// The two inputs of the timeout row the healer now feeds for real: whether the server URI's host resolves, and
/// whether Asterisk's PJSIP stack answers AMI while AMI itself does. Fake time, fake seams.
/// </summary>
public class HealingEvidenceTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private const string Server = "sip:sip.mango.test:5070";

    private static void NoResponse(HealingRig rig) =>
        rig.Causes.Record((RegistrationFailureLogged)AsteriskLogLine.Parse(
            "[2026-12-01 18:34:46.393] WARNING[32650] res_pjsip_outbound_registration.c: No response received from 'sip:sip.mango.test:5070' on registration attempt to 'sip:mango-user@127.0.0.1:5070', retrying in '10'")!);

    [Fact(Timeout = 30_000)]
    public async Task Timeout_whose_server_name_does_not_resolve_checks_dns_and_never_restarts_even_with_every_peer_down()
    {
        var rig = new HealingRig();
        rig.ServerNames.Resolves["sip.mango.test"] = false;
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow(), serverUri: Server);
        rig.Pbx.EveryPeerUnreachable(); // would point at Asterisk, were the name resolving
        NoResponse(rig);

        await rig.After(59 * Second);
        Assert.Empty(rig.ServerNames.Asked); // within the grace nothing is decided, nothing is looked up
        await rig.After(Second);             // grace over: re-register, the loss alert says DNS
        await rig.After(TimeSpan.FromMinutes(10));

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        var lost = rig.Alerts.Published.First(a => a.Kind == AlertKind.RegistrationLost);
        Assert.Equal(HealingPolicy.CheckDns, lost.Details["check"]);
        Assert.Equal(Server, lost.Details["server_uri"]);
        Assert.Contains("does not resolve", new NotificationRenderer("en").Render([lost]).Text, StringComparison.Ordinal);
        var exhausted = rig.Alerts.Published.Last(a => a.Kind == AlertKind.RegistrationLost);
        Assert.Equal("ladder-exhausted:mango-registration", exhausted.Key);
        Assert.Equal(HealingPolicy.CheckDns, exhausted.Details["check"]);
        Assert.All(rig.ServerNames.Asked, uri => Assert.Equal(Server, uri));
        Assert.InRange(rig.ServerNames.Asked.Count, 2, 40); // looked up again while down, at most every 20 s
    }

    [Fact(Timeout = 30_000)]
    public async Task Timeout_with_the_server_resolving_and_one_provider_down_still_never_restarts()
    {
        var rig = new HealingRig();
        rig.ServerNames.Resolves["sip.mango.test"] = true;
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow(), serverUri: Server);
        rig.Pbx.Current = rig.Pbx.Current with { QualifiedContactsReachable = 1 };
        NoResponse(rig);

        await rig.After(60 * Second);
        await rig.After(TimeSpan.FromMinutes(10));

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        Assert.Equal(HealingPolicy.CheckNetwork, rig.Alerts.Published.First(a => a.Kind == AlertKind.RegistrationLost).Details["check"]);
        Assert.True(rig.Pjsip.Asked > 0);
    }

    [Fact(Timeout = 30_000)]
    public async Task Pjsip_actions_timing_out_while_ami_answers_and_the_registration_failing_point_at_Asterisk_and_restart_it()
    {
        var rig = new HealingRig();
        rig.ServerNames.Resolves["sip.mango.test"] = true;
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow(), serverUri: Server);
        rig.Pbx.Current = rig.Pbx.Current with { QualifiedContactsReachable = 1 }; // peers answer: only PJSIP's silence accuses Asterisk
        rig.Pjsip.Answering = false;
        NoResponse(rig);

        await rig.After(60 * Second);      // re-register
        Assert.Equal(0, rig.Service.Restarts);
        await rig.After(30 * Second);      // no config change: no reload; PJSIP does not answer: restart

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(1, rig.Service.Restarts);
    }

    [Fact(Timeout = 30_000)]
    public async Task Credentials_failures_ask_neither_dns_nor_pjsip()
    {
        var rig = new HealingRig();
        rig.ServerNames.Resolves["sip.mango.test"] = false;
        rig.Pjsip.Answering = false;
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow(), serverUri: Server);
        rig.Causes.Record((RegistrationFailureLogged)AsteriskLogLine.Parse(
            "[2026-11-26 08:00:36.448] WARNING[11987] res_pjsip_outbound_registration.c: Fatal response '403' received from 'sip:sip.mango.test:5070' on registration attempt to 'sip:mango-user@127.0.0.1:5070', stopping outbound registration")!);

        await rig.After(Second);
        await rig.After(TimeSpan.FromMinutes(5));

        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Restarts);
        Assert.Empty(rig.ServerNames.Asked);
        Assert.Equal(0, rig.Pjsip.Asked);
        Assert.Equal(HealingPolicy.CheckCredentials, rig.Alerts.Published.First(a => a.Kind == AlertKind.RegistrationLost).Details["check"]);
    }
}
