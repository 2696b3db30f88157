using Microsoft.Extensions.Logging.Testing;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class ProviderRangeAuditTests
{
    private static readonly ProviderRanges[] Mango = [new("mango-trunk", ["81.88.86.0/24", "81.88.88.0/24"])];

    private static IReadOnlyList<DoctorFinding> Audit(string pjsip, IReadOnlyList<ProviderRanges>? providers = null) =>
        ProviderRangeAudit.Audit(AsteriskConfig.Parse(pjsip, "pjsip.conf"), providers ?? Mango);

    [Fact]
    public void Identify_ranges_that_agree_with_the_configured_ones_are_ok()
    {
        var findings = Audit("""
            [mango-trunk-identify]
            type=identify
            endpoint=mango-trunk
            match=81.88.86.0/24,81.88.88.0/24
            match=sip.mangosip.ru
            """);

        var finding = Assert.Single(findings);
        Assert.Equal(FindingSeverity.Ok, finding.Severity);
    }

    [Fact]
    public void A_configured_range_the_identify_lacks_and_a_matched_range_the_config_lacks_are_both_reported_with_their_fix()
    {
        var findings = Audit("""
            [mango-trunk-identify]
            type=identify
            endpoint=mango-trunk
            match=81.88.86.0/24
            match=81.88.87.10
            """);

        Assert.All(findings, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Fix == "In pjsip.conf [mango-trunk-identify] add: match=81.88.88.0/24");
        Assert.Contains(findings, f => f.Found.Contains("81.88.87.10/32", StringComparison.Ordinal)
            && f.Fix.StartsWith("Add \"81.88.87.10/32\" to Diagnosis:Trunks:Providers[mango-trunk].Ranges", StringComparison.Ordinal));
    }

    [Fact]
    public void A_single_address_inside_a_configured_range_is_not_a_difference_but_the_uncovered_rest_of_the_range_is()
    {
        var findings = Audit("""
            [mango-trunk-identify]
            type=identify
            endpoint=mango-trunk
            match=81.88.86.10
            match=81.88.88.0/24
            """);

        var finding = Assert.Single(findings);
        Assert.Equal("In pjsip.conf [mango-trunk-identify] add: match=81.88.86.0/24", finding.Fix);
    }

    [Fact]
    public void A_trunk_without_identify_gets_the_whole_section_to_add()
    {
        var finding = Assert.Single(Audit("[mango-trunk]\ntype=endpoint\n"));

        Assert.Equal("Add to pjsip.conf: [mango-trunk-identify] type=identify, endpoint=mango-trunk, match=81.88.86.0/24, match=81.88.88.0/24", finding.Fix);
    }

    [Fact]
    public void No_configured_providers_means_no_findings()
    {
        Assert.Empty(Audit("[x]\ntype=identify\nendpoint=mango-trunk\nmatch=1.2.3.4\n", []));
        Assert.Empty(ProviderRangeAudit.Audit(null, Mango));
    }
}

public sealed class DoctorProviderRangeTests
{
    [Fact(Timeout = 10_000)]
    public async Task The_doctor_reports_identify_ranges_that_differ_from_the_configured_provider_ranges()
    {
        using var fixtures = new DoctorFixtures();
        var audit = new DoctorAudit(new DoctorOptions { ConfigDirectory = fixtures.Directory, CheckFirewall = false }, FakeProcessRunner.Printing(""),
            new FixedHostAddressProvider(System.Net.IPAddress.Parse("10.0.0.5")), new FakeLogger<DoctorAudit>(),
            [new ProviderRanges("mango", ["81.88.86.0/24", "81.88.88.0/24"])]);

        var report = await audit.RunAsync(CancellationToken.None);

        var finding = Assert.Single(report.Findings, f => f.Id == "pjsip.identify.provider_ranges");
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("In pjsip.conf [mango-identify] add: match=81.88.88.0/24", finding.Fix);
    }
}

public sealed class ProviderRangeCheckTests
{
    [Fact(Timeout = 10_000)]
    public async Task Check_reads_pjsip_conf_from_the_doctor_directory()
    {
        using var fixtures = new DoctorFixtures();
        var settings = new DiagnosisSettings
        {
            Doctor = new DoctorOptions { ConfigDirectory = fixtures.Directory },
            Trunks = new TrunkDiagnosisOptions { Providers = [new ProviderRanges("mango", ["81.88.86.0/24"])] },
        };

        var finding = Assert.Single(await ProviderRangeAudit.CheckAsync(settings, CancellationToken.None));
        Assert.Equal(FindingSeverity.Ok, finding.Severity);
        Assert.Empty(await ProviderRangeAudit.CheckAsync(new DiagnosisSettings(), CancellationToken.None));
    }
}
