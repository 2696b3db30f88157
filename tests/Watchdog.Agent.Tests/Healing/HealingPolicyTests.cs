using Watchdog.Agent.Healing;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Tests.Healing;

/// <summary>The README's healing policy table, row by row, on the pure decision function.</summary>
public class HealingPolicyTests
{
    private static readonly PbxEvidence Nothing = new();
    private static readonly PbxEvidence FreshConfig = new(ConfigNewerThanReload: true);
    private static readonly PbxEvidence AsteriskFails = new(QualifiedContactsUnreachable: 1);

    [Theory]
    [InlineData("403", FailureClass.Credentials)]
    [InlineData("401", FailureClass.Credentials)]
    [InlineData("407", FailureClass.Credentials)]
    [InlineData("fatal", FailureClass.Credentials)]
    [InlineData("timeout", FailureClass.Timeout)]
    [InlineData("max_retries", FailureClass.Timeout)]
    [InlineData("408", FailureClass.Timeout)]
    [InlineData("503", FailureClass.Timeout)]
    [InlineData("404", FailureClass.Unknown)]
    [InlineData(null, FailureClass.Unknown)]
    public void Causes_are_classified_by_what_can_fix_them(string? cause, FailureClass expected) =>
        Assert.Equal(expected, HealingPolicy.Classify(cause));

    [Fact]
    public void Credentials_re_register_once_then_only_alert()
    {
        Assert.Equal(HealingLabels.Reregister, HealingPolicy.Decide(FailureClass.Credentials, [], Nothing).Action);
        var after = HealingPolicy.Decide(FailureClass.Credentials, [HealingLabels.Reregister], Nothing);
        Assert.Null(after.Action);
        Assert.Equal(HealingPolicy.CheckCredentials, after.Check);
    }

    [Fact]
    public void Credentials_reload_only_when_the_config_on_disk_is_newer_than_the_last_reload()
    {
        Assert.Equal(HealingLabels.ReloadPjsip, HealingPolicy.Decide(FailureClass.Credentials, [HealingLabels.Reregister], FreshConfig).Action);
        Assert.Null(HealingPolicy.Decide(FailureClass.Credentials, [HealingLabels.Reregister], FreshConfig with { ConfigNewerThanReload = null }).Action);
        Assert.Null(HealingPolicy.Decide(FailureClass.Credentials, [HealingLabels.Reregister, HealingLabels.ReloadPjsip], FreshConfig).Action);
    }

    [Fact]
    public void Credentials_never_restart_Asterisk_whatever_the_evidence()
    {
        var everything = new PbxEvidence(ConfigNewerThanReload: true, OtherRegistrationsDown: 3, QualifiedContactsUnreachable: 5, PjsipAnswering: false);
        string[] done = [];
        for (var i = 0; i < 5; i++)
        {
            var d = HealingPolicy.Decide(FailureClass.Credentials, done, everything);
            Assert.NotEqual(HealingLabels.RestartAsterisk, d.Action);
            if (d.Action is null) break;
            done = [.. done, d.Action];
        }
        Assert.Equal([HealingLabels.Reregister, HealingLabels.ReloadPjsip], done);
    }

    [Fact]
    public void Timeout_re_registers_and_stops_when_only_one_provider_is_down()
    {
        Assert.Equal(HealingLabels.Reregister, HealingPolicy.Decide(FailureClass.Timeout, [], Nothing).Action);
        var oneProvider = new PbxEvidence(OtherRegistrationsUp: 1, QualifiedContactsReachable: 2);
        var d = HealingPolicy.Decide(FailureClass.Timeout, [HealingLabels.Reregister], oneProvider);
        Assert.Null(d.Action);
        Assert.Equal(HealingPolicy.CheckNetwork, d.Check);
    }

    [Fact]
    public void Timeout_with_a_name_that_does_not_resolve_points_at_DNS_and_never_restarts()
    {
        var d = HealingPolicy.Decide(FailureClass.Timeout, [HealingLabels.Reregister], AsteriskFails with { ServerResolves = false });
        Assert.Null(d.Action);
        Assert.Equal(HealingPolicy.CheckDns, d.Check);
    }

    [Theory]
    [InlineData(0, 0, 1, 0, true)]   // every qualified peer is unreachable too
    [InlineData(2, 0, 0, 0, true)]   // several registrations down together
    [InlineData(1, 1, 0, 0, false)]  // another registration is fine: the provider, not Asterisk
    [InlineData(0, 0, 1, 1, false)]  // another peer answers
    public void Timeout_restarts_only_with_evidence_against_Asterisk(int otherDown, int otherUp, int unreachable, int reachable, bool restart)
    {
        var evidence = new PbxEvidence(OtherRegistrationsDown: otherDown, OtherRegistrationsUp: otherUp,
            QualifiedContactsUnreachable: unreachable, QualifiedContactsReachable: reachable);
        var d = HealingPolicy.Decide(FailureClass.Timeout, [HealingLabels.Reregister], evidence);
        Assert.Equal(restart ? HealingLabels.RestartAsterisk : null, d.Action);
    }

    [Fact]
    public void Timeout_restarts_when_the_PJSIP_stack_does_not_answer()
    {
        Assert.Equal(HealingLabels.RestartAsterisk,
            HealingPolicy.Decide(FailureClass.Timeout, [HealingLabels.Reregister], Nothing with { PjsipAnswering = false }).Action);
    }

    [Fact]
    public void Unknown_cause_takes_the_conservative_path()
    {
        Assert.Equal(HealingLabels.Reregister, HealingPolicy.Decide(FailureClass.Unknown, [], Nothing).Action);
        Assert.Equal(HealingLabels.ReloadPjsip, HealingPolicy.Decide(FailureClass.Unknown, [HealingLabels.Reregister], Nothing).Action);
        Assert.Null(HealingPolicy.Decide(FailureClass.Unknown, [HealingLabels.Reregister, HealingLabels.ReloadPjsip], Nothing).Action);
        Assert.Equal(HealingLabels.RestartAsterisk,
            HealingPolicy.Decide(FailureClass.Unknown, [HealingLabels.Reregister, HealingLabels.ReloadPjsip], AsteriskFails).Action);
        Assert.Null(HealingPolicy.Decide(FailureClass.Unknown,
            [HealingLabels.Reregister, HealingLabels.ReloadPjsip, HealingLabels.RestartAsterisk], AsteriskFails).Action);
    }
}
