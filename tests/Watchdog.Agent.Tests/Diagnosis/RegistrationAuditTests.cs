using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>The registration retry settings that turn one provider hiccup into a trunk that stays down.</summary>
public sealed class RegistrationAuditTests
{
    private static IReadOnlyList<DoctorFinding> Audit(string registration) =>
        RegistrationAudit.Audit(AsteriskConfig.Parse($"""
            [mango]
            type=registration
            server_uri=sip:sip.example.net
            client_uri=sip:pbx@sip.example.net
            {registration}
            """, "pjsip.conf"));

    private static DoctorFinding Single(IReadOnlyList<DoctorFinding> findings, string check) =>
        Assert.Single(findings, f => f.Id == "pjsip.registration." + check);

    [Fact]
    public void Stock_defaults_stop_for_good_after_ten_tries_one_401_or_one_403_and_each_fix_is_one_line()
    {
        var findings = Audit("");

        var retries = Single(findings, "max_retries");
        Assert.Equal(FindingSeverity.Warning, retries.Severity);
        Assert.Equal("max_retries=(unset, default 10): Asterisk gives up after 10 failed attempts, about 10 min at retry_interval=60", retries.Found);
        Assert.Equal("In pjsip.conf [mango] set: max_retries=10000", retries.Fix);
        var auth = Single(findings, "auth_rejection_permanent");
        Assert.Equal(FindingSeverity.Warning, auth.Severity);
        Assert.Equal("In pjsip.conf [mango] set: auth_rejection_permanent=no", auth.Fix);
        var forbidden = Single(findings, "forbidden_retry_interval");
        Assert.Equal(FindingSeverity.Warning, forbidden.Severity);
        Assert.Contains("a 403 is never retried", forbidden.Found, StringComparison.Ordinal);
        Assert.Equal("In pjsip.conf [mango] set: forbidden_retry_interval=60", forbidden.Fix);
        Assert.DoesNotContain(findings, f => f.Id == "pjsip.registration.retry_interval");
        Assert.All(findings, f => Assert.Equal(("pjsip.conf", 1), (f.File, f.Line)));
    }

    [Fact]
    public void Recommended_settings_are_all_ok()
    {
        var findings = Audit("max_retries=10000\nauth_rejection_permanent=no\nforbidden_retry_interval=60");

        Assert.All(findings, f => Assert.Equal(FindingSeverity.Ok, f.Severity));
        Assert.Equal("max_retries=10000 (retries for 7 days)", Single(findings, "max_retries").Found);
    }

    [Theory]
    [InlineData("max_retries=100", "retry_interval=60", FindingSeverity.Warning)] // 100 min
    [InlineData("max_retries=1440", "retry_interval=60", FindingSeverity.Ok)]    // exactly a day
    [InlineData("max_retries=100", "retry_interval=900", FindingSeverity.Ok)]    // 25 h
    [InlineData("max_retries=abc", "retry_interval=60", FindingSeverity.Warning)] // unparseable: Asterisk's default
    public void Max_retries_is_judged_by_how_long_asterisk_keeps_trying(string retries, string interval, FindingSeverity expected)
    {
        Assert.Equal(expected, Single(Audit($"{retries}\n{interval}"), "max_retries").Severity);
    }

    [Fact]
    public void A_fatal_retry_interval_also_retries_a_403_so_no_forbidden_warning()
    {
        var findings = Audit("fatal_retry_interval=300");

        var forbidden = Single(findings, "forbidden_retry_interval");
        Assert.Equal(FindingSeverity.Ok, forbidden.Severity);
        Assert.Equal("a 403 is retried after fatal_retry_interval=300", forbidden.Found);
        // A 401 is then retried too, but at the fatal interval: still worth making it temporal.
        Assert.Contains("fatal_retry_interval", Single(findings, "auth_rejection_permanent").Symptom, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_interval_zero_makes_a_timeout_fatal()
    {
        var finding = Single(Audit("retry_interval=0\nmax_retries=10000\nauth_rejection_permanent=no\nforbidden_retry_interval=30"), "retry_interval");

        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("In pjsip.conf [mango] set: retry_interval=60", finding.Fix);
    }

    [Fact]
    public void Template_values_count_and_templates_themselves_are_not_registrations()
    {
        var findings = RegistrationAudit.Audit(AsteriskConfig.Parse("""
            [reg-defaults](!)
            type=registration
            max_retries=10000
            auth_rejection_permanent=no
            forbidden_retry_interval=45

            [mango](reg-defaults)
            server_uri=sip:sip.example.net
            """, "pjsip.conf"));

        Assert.All(findings, f => Assert.Equal("pjsip.conf [mango]", f.Subject));
        Assert.All(findings, f => Assert.Equal(FindingSeverity.Ok, f.Severity));
        Assert.Equal(3, findings.Count);
    }
}
