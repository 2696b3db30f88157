using Microsoft.Extensions.Logging.Testing;
using System.Net;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// pjsip.conf <c>#include</c>s pjsip_trunks.conf and manager.conf <c>#include</c>s <c>manager.d/*.conf</c>: every finding
/// names the file the section really lives in, with its line, and its fix says to edit that file.
/// </summary>
public sealed class DoctorIncludeTests
{
    private static async Task<DoctorReport> Run(Action<DoctorFixtures>? change = null)
    {
        using var fixtures = new DoctorFixtures("includes");
        change?.Invoke(fixtures);
        var audit = new DoctorAudit(new DoctorOptions { ConfigDirectory = fixtures.Directory, CheckFirewall = false }, FakeProcessRunner.Printing(""),
            new FixedHostAddressProvider(IPAddress.Parse("10.0.0.5")), new FakeLogger<DoctorAudit>());
        return await audit.RunAsync(CancellationToken.None);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_trunk_from_an_included_file_is_reported_in_that_file_with_its_line()
    {
        var report = await Run();

        var direct = Assert.Single(report.Findings, f => f.Id == "pjsip.trunk.direct_media" && f.Subject.Contains("[mango]", StringComparison.Ordinal));
        Assert.Equal("pjsip_trunks.conf [mango]", direct.Subject);
        Assert.Equal("In pjsip_trunks.conf [mango] change to: direct_media=no", direct.Fix);
        Assert.Equal("pjsip_trunks.conf", direct.File);
        Assert.Equal(4, direct.Line);
        var retries = Assert.Single(report.Findings, f => f.Id == "pjsip.registration.max_retries");
        Assert.Equal("In pjsip_trunks.conf [mango] set: max_retries=10000", retries.Fix);
        Assert.Equal(("pjsip_trunks.conf", 22), (retries.File, retries.Line));
        // Sections of the main file still say so.
        Assert.Contains(report.Findings, f => f.Id == "pjsip.trunk.direct_media" && f.Subject == "pjsip.conf [elevenlabs]" && f.File == "pjsip.conf");
        Assert.DoesNotContain(report.Findings, f => f.Fix.Contains("In pjsip.conf [mango]", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task Manager_users_from_a_glob_include_are_found_and_named_by_their_file()
    {
        var report = await Run();

        Assert.DoesNotContain(report.Findings, f => f.Id == "manager.user");
        var read = Assert.Single(report.Findings, f => f.Id == "manager.read");
        Assert.Equal((FindingSeverity.Ok, "manager.d/watchdog.conf"), (read.Severity, read.File));
        var excess = Assert.Single(report.Findings, f => f.Id == "manager.write.excess");
        Assert.Equal("manager.d/watchdog.conf [watchdog]", excess.Subject);
        Assert.Equal("In manager.d/watchdog.conf [watchdog] set: write=system,command", excess.Fix);
        Assert.Equal(("manager.d/watchdog.conf", 2), (excess.File, excess.Line));
        var admin = Assert.Single(report.Findings, f => f.Id == "manager.other_user.weak");
        Assert.Equal("manager.d/admin.conf [admin]", admin.Subject);
        Assert.StartsWith("In manager.d/admin.conf [admin]: ", admin.Fix, StringComparison.Ordinal);
        Assert.Equal(FindingSeverity.Ok, Assert.Single(report.Findings, f => f.Id == "manager.bindaddr").Severity);
        Assert.Equal("manager.conf [general]", Assert.Single(report.Findings, f => f.Id == "manager.enabled").Subject);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_missing_include_target_is_critical_because_asterisk_refuses_the_whole_file()
    {
        var report = await Run(f => File.Delete(Path.Combine(f.Directory, "pjsip_trunks.conf")));

        var missing = Assert.Single(report.Findings, f => f.Id == "config.include.missing");
        Assert.Equal(FindingSeverity.Critical, missing.Severity);
        Assert.Equal("pjsip.conf line 49", missing.Subject);
        Assert.Equal("#include pjsip_trunks.conf matches no file", missing.Found);
        Assert.Contains("#tryinclude pjsip_trunks.conf", missing.Fix, StringComparison.Ordinal);
        Assert.Equal(2, report.ExitCode);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_second_general_in_an_included_file_is_named_as_ignored()
    {
        var report = await Run(f => File.WriteAllText(Path.Combine(f.Directory, "manager.d", "zz-general.conf"),
            "; A merge that pasted the example's [general] too.\n[general]\nenabled = yes\nbindaddr = 0.0.0.0\n"));

        var duplicate = Assert.Single(report.Findings, f => f.Id == "manager.general.duplicate");
        Assert.Equal(FindingSeverity.Warning, duplicate.Severity);
        Assert.Equal("manager.d/zz-general.conf [general]", duplicate.Subject);
        Assert.Contains("enabled, bindaddr are ignored", duplicate.Found, StringComparison.Ordinal);
        Assert.Equal("Move the lines you need into manager.conf [general], then delete the [general] header at manager.d/zz-general.conf line 2", duplicate.Fix);
        // The first [general] is the one Asterisk reads: still loopback, still fine.
        Assert.Equal(FindingSeverity.Ok, Assert.Single(report.Findings, f => f.Id == "manager.bindaddr").Severity);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_text_report_shows_the_line_of_an_included_section()
    {
        var report = await Run();
        using var text = new StringWriter();

        DoctorReportText.Write(report, text);

        Assert.Contains("[WARN] manager.d/watchdog.conf [watchdog] (line 2): write includes originate", text.ToString(), StringComparison.Ordinal);
    }
}
