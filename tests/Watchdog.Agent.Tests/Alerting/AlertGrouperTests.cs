using Watchdog.Agent.Alerting;
using static Watchdog.Agent.Tests.Alerting.TestSupport;

namespace Watchdog.Agent.Tests.Alerting;

public class AlertGrouperTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly AlertGrouper _grouper = new(Wait, Window);

    private IReadOnlyList<Alert> SendAfter(TimeSpan elapsed) => _grouper.TakeDue(Start + elapsed) ?? [];

    [Fact]
    public void First_alert_opens_a_group_due_after_the_group_wait()
    {
        Assert.Equal(AdmitOutcome.OpenedGroup, _grouper.Admit(Lost("trunk-a", Start), Start));
        Assert.Equal(Start + Wait, _grouper.FlushDueAt);
        Assert.Null(_grouper.TakeDue(Start + Wait - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Alerts_inside_the_group_wait_go_out_together_in_arrival_order()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        Assert.Equal(AdmitOutcome.JoinedGroup, _grouper.Admit(Lost("trunk-b", Start), Start + TimeSpan.FromSeconds(9)));

        var batch = SendAfter(Wait);

        Assert.Equal(["trunk-a", "trunk-b"], batch.Select(a => a.Subject));
        Assert.Null(_grouper.FlushDueAt);
    }

    [Fact]
    public void Repeat_with_the_same_key_inside_the_window_is_dropped()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        SendAfter(Wait);

        Assert.Equal(AdmitOutcome.Duplicate, _grouper.Admit(Lost("trunk-a", Start), Start + TimeSpan.FromMinutes(14)));
        Assert.Null(_grouper.FlushDueAt);
    }

    [Fact]
    public void Repeat_after_the_window_is_sent_again_as_a_reminder()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        SendAfter(Wait);

        Assert.Equal(AdmitOutcome.OpenedGroup, _grouper.Admit(Lost("trunk-a", Start), Start + Window));
    }

    [Fact]
    public void Recovery_of_a_sent_problem_is_sent()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        SendAfter(Wait);

        var at = Start + TimeSpan.FromMinutes(3);
        Assert.Equal(AdmitOutcome.OpenedGroup, _grouper.Admit(Restored("trunk-a", at), at));
        var batch = _grouper.TakeDue(at + Wait)!;

        Assert.Equal(AlertKind.RegistrationRestored, Assert.Single(batch).Kind);
    }

    [Fact]
    public void Recovery_is_sent_once_even_if_repeated()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        SendAfter(Wait);
        _grouper.Admit(Restored("trunk-a", Start), Start + TimeSpan.FromMinutes(1));

        Assert.Equal(AdmitOutcome.ResolvedNothingSent, _grouper.Admit(Restored("trunk-a", Start), Start + TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Recovery_of_a_problem_never_sent_is_dropped()
    {
        Assert.Equal(AdmitOutcome.ResolvedNothingSent, _grouper.Admit(Restored("trunk-a", Start), Start));
        Assert.Null(_grouper.FlushDueAt);
    }

    [Fact]
    public void Recovery_of_another_subject_leaves_the_problem_open()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        SendAfter(Wait);

        Assert.Equal(AdmitOutcome.ResolvedNothingSent, _grouper.Admit(Restored("trunk-b", Start), Start + Wait));
        Assert.Equal(AdmitOutcome.OpenedGroup, _grouper.Admit(Restored("trunk-a", Start), Start + Wait));
    }

    [Fact]
    public void Recovery_before_the_group_is_sent_cancels_the_blip()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        _grouper.Admit(Lost("trunk-b", Start), Start);

        Assert.Equal(AdmitOutcome.CancelledPendingProblem, _grouper.Admit(Restored("trunk-a", Start), Start + TimeSpan.FromSeconds(3)));

        Assert.Equal(["trunk-b"], SendAfter(Wait).Select(a => a.Subject));
    }

    [Fact]
    public void Relapse_after_a_sent_recovery_is_sent_although_inside_the_window()
    {
        _grouper.Admit(Lost("trunk-a", Start), Start);
        SendAfter(Wait);
        _grouper.Admit(Restored("trunk-a", Start), Start + TimeSpan.FromMinutes(1));
        SendAfter(TimeSpan.FromMinutes(2));

        Assert.Equal(AdmitOutcome.OpenedGroup, _grouper.Admit(Lost("trunk-a", Start), Start + TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public void Remediations_with_different_outcomes_are_not_repeats()
    {
        var failed = new Alert(AlertKind.Remediation, AlertSeverity.Warning, "trunk-a", Start) { Outcome = RemediationOutcome.Failed };
        var succeeded = failed with { Outcome = RemediationOutcome.Succeeded };

        _grouper.Admit(failed, Start);

        Assert.Equal(AdmitOutcome.JoinedGroup, _grouper.Admit(succeeded, Start));
        Assert.NotEqual(failed.Key, succeeded.Key);
    }

    [Fact]
    public void Explicit_key_overrides_the_default_for_deduplication()
    {
        var first = new Alert(AlertKind.AttackSpike, AlertSeverity.Warning, "203.0.113.7", Start) { Key = "attack" };
        var second = new Alert(AlertKind.AttackSpike, AlertSeverity.Warning, "203.0.113.8", Start) { Key = "attack" };

        _grouper.Admit(first, Start);

        Assert.Equal(AdmitOutcome.Duplicate, _grouper.Admit(second, Start));
    }
}
