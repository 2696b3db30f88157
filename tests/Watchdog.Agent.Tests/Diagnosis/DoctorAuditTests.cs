using Microsoft.Extensions.Logging.Testing;
using System.Net;
using System.Text.Json;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class DoctorAuditTests
{
    private static readonly IHostAddressProvider BehindNat = new FixedHostAddressProvider(IPAddress.Parse("10.0.0.5"));

    private static async Task<(DoctorReport Report, FakeProcessRunner Runner)> Run(
        string? overlay = null, string ufw = "good", IHostAddressProvider? addresses = null, DoctorOptions? options = null,
        FakeProcessRunner? runner = null)
    {
        using var fixtures = new DoctorFixtures(overlay);
        runner ??= FakeProcessRunner.Printing(DoctorFixtures.Ufw(ufw));
        var audit = new DoctorAudit(
            (options ?? new DoctorOptions()) with { ConfigDirectory = fixtures.Directory, UfwPath = "/usr/sbin/ufw" },
            runner, addresses ?? BehindNat, new FakeLogger<DoctorAudit>());
        return (await audit.RunAsync(CancellationToken.None), runner);
    }

    private static DoctorFinding Single(DoctorReport report, string id, string? subjectContains = null) =>
        Assert.Single(report.Findings, f => f.Id == id && (subjectContains is null || f.Subject.Contains(subjectContains, StringComparison.Ordinal)));

    [Fact(Timeout = 10_000)]
    public async Task Good_mango_and_elevenlabs_setup_has_no_warning_and_exits_zero()
    {
        var (report, runner) = await Run();

        Assert.DoesNotContain(report.Findings, f => f.Severity >= FindingSeverity.Warning);
        Assert.Equal(0, report.ExitCode);
        Assert.Contains(report.Findings, f => f.Id == "pjsip.trunk.direct_media" && f.Subject == "pjsip.conf [mango]" && f.Severity == FindingSeverity.Ok);
        Assert.Contains(report.Findings, f => f.Id == "pjsip.trunk.direct_media" && f.Subject == "pjsip.conf [elevenlabs]");
        Assert.DoesNotContain(report.Findings, f => f.Subject.Contains("[101]", StringComparison.Ordinal));
        var run = Assert.Single(runner.Runs);
        Assert.Equal("/usr/sbin/ufw", run.FileName);
        Assert.Equal(["status", "verbose"], run.Arguments);
    }

    [Fact(Timeout = 10_000)]
    public async Task Transport_behind_nat_without_external_addresses_warns_with_the_line_to_add()
    {
        var (report, _) = await Run("pjsip-no-nat");

        var media = Single(report, "pjsip.transport.external_media_address", "[transport-udp]");
        Assert.Equal(FindingSeverity.Warning, media.Severity);
        Assert.Contains("audio", media.Symptom, StringComparison.Ordinal);
        Assert.Equal("In pjsip.conf [transport-udp] add: external_media_address=<this host's public IP>", media.Fix);
        Assert.Equal(FindingSeverity.Warning, Single(report, "pjsip.transport.external_signaling_address", "[transport-tls]").Severity);
        Assert.DoesNotContain(report.Findings, f => f.Subject.Contains("[loopback]", StringComparison.Ordinal));
        Assert.Equal(1, report.ExitCode);
    }

    [Fact(Timeout = 10_000)]
    public async Task Transport_on_a_host_with_a_public_address_needs_no_nat_settings()
    {
        var (report, _) = await Run("pjsip-no-nat", addresses: new FixedHostAddressProvider(IPAddress.Parse("203.0.113.10")));

        Assert.DoesNotContain(report.Findings, f => f.Id.StartsWith("pjsip.transport.", StringComparison.Ordinal) && f.Severity != FindingSeverity.Ok);
    }

    [Fact(Timeout = 10_000)]
    public async Task Cgnat_address_counts_as_behind_nat()
    {
        var (report, _) = await Run("pjsip-no-nat", addresses: new FixedHostAddressProvider(IPAddress.Parse("100.72.1.2")));

        Assert.Equal(FindingSeverity.Warning, Single(report, "pjsip.transport.external_media_address", "[transport-udp]").Severity);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("pjsip.trunk.rtp_timeout", "In pjsip.conf [mango] add: rtp_timeout=30")]
    [InlineData("pjsip.trunk.direct_media", "In pjsip.conf [mango] change to: direct_media=no")]
    [InlineData("pjsip.trunk.rtp_symmetric", "In pjsip.conf [mango] add: rtp_symmetric=yes")]
    [InlineData("pjsip.trunk.force_rport", "In pjsip.conf [mango] change to: force_rport=yes")]
    [InlineData("pjsip.trunk.rewrite_contact", "In pjsip.conf [mango] add: rewrite_contact=yes")]
    public async Task Trunk_missing_a_nat_or_media_option_warns_with_the_exact_line(string id, string fix)
    {
        var (report, _) = await Run("pjsip-bad-trunk");

        var finding = Single(report, id, "[mango]");
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(fix, finding.Fix);
        Assert.NotEmpty(finding.Symptom);
        Assert.Equal(FindingSeverity.Ok, Single(report, id, "[elevenlabs]").Severity);
    }

    [Fact(Timeout = 10_000)]
    public async Task Registering_trunk_without_identify_warns_that_incoming_calls_are_not_matched()
    {
        var (report, _) = await Run("pjsip-no-identify");

        var finding = Single(report, "pjsip.trunk.identify", "[mango]");
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Contains("type=identify, endpoint=mango, match=", finding.Fix, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Configured_trunk_name_that_does_not_exist_is_reported()
    {
        var (report, _) = await Run(options: new DoctorOptions { TrunkEndpoints = ["beeline"] });

        Assert.Equal(FindingSeverity.Warning, Single(report, "pjsip.trunk.missing").Severity);
    }

    [Fact(Timeout = 10_000)]
    public async Task Manager_bound_to_all_interfaces_with_write_all_is_critical()
    {
        var (report, _) = await Run("manager-exposed");

        var bind = Single(report, "manager.bindaddr");
        Assert.Equal(FindingSeverity.Critical, bind.Severity);
        Assert.Equal("In manager.conf [general] set: bindaddr=127.0.0.1", bind.Fix);
        var excess = Single(report, "manager.write.excess");
        Assert.Equal(FindingSeverity.Critical, excess.Severity);
        Assert.Equal("In manager.conf [watchdog] set: write=system,command", excess.Fix);
        Assert.Equal(FindingSeverity.Info, Single(report, "manager.read.excess").Severity);
        Assert.Equal(2, report.ExitCode);
    }

    [Fact(Timeout = 10_000)]
    public async Task Manager_user_lacking_classes_and_holding_originate_is_told_the_least_set()
    {
        var (report, _) = await Run("manager-weak");

        var read = Single(report, "manager.read");
        Assert.Equal(FindingSeverity.Warning, read.Severity);
        Assert.Equal("In manager.conf [watchdog] set: read=call,system,security", read.Fix);
        Assert.Equal(FindingSeverity.Info, Single(report, "manager.read.security").Severity);
        var write = Single(report, "manager.write");
        Assert.Equal("In manager.conf [watchdog] set: write=command,system", write.Fix);
        var excess = Single(report, "manager.write.excess");
        Assert.Equal(FindingSeverity.Warning, excess.Severity);
        Assert.Equal("In manager.conf [watchdog] set: write=command,system", excess.Fix);
    }

    [Fact(Timeout = 10_000)]
    public async Task Manager_disabled_and_without_the_agent_user_is_critical()
    {
        var (report, _) = await Run("manager-no-user");

        Assert.Equal(FindingSeverity.Critical, Single(report, "manager.enabled").Severity);
        Assert.Equal(FindingSeverity.Critical, Single(report, "manager.user").Severity);
    }

    [Fact(Timeout = 10_000)]
    public async Task Inverted_rtp_range_is_critical()
    {
        var (report, _) = await Run("rtp-invalid");

        Assert.Equal(FindingSeverity.Critical, Single(report, "rtp.range").Severity);
    }

    [Fact(Timeout = 10_000)]
    public async Task Unset_rtp_range_is_info_and_the_firewall_is_checked_against_asterisks_default()
    {
        var (report, _) = await Run("rtp-unset");

        Assert.Equal(FindingSeverity.Info, Single(report, "rtp.range").Severity);
        var rtp = Single(report, "firewall.rtp");
        Assert.Equal(FindingSeverity.Critical, rtp.Severity);
        Assert.Equal("Run: ufw allow 5000:31000/udp", rtp.Fix);
    }

    [Fact(Timeout = 10_000)]
    public async Task Inactive_firewall_is_critical()
    {
        var (report, _) = await Run(ufw: "inactive");

        Assert.Equal(FindingSeverity.Critical, Single(report, "firewall.active").Severity);
        Assert.Equal(2, report.ExitCode);
    }

    [Fact(Timeout = 10_000)]
    public async Task Firewall_without_ssh_tls_and_part_of_rtp_names_each_gap()
    {
        var (report, _) = await Run(ufw: "no-ssh-no-tls-partial-rtp");

        Assert.Equal("Run: ufw allow 22/tcp", Single(report, "firewall.ssh").Fix);
        Assert.Equal("Run: ufw allow 5061/tcp", Single(report, "firewall.sip_tls").Fix);
        Assert.Equal(FindingSeverity.Ok, Single(report, "firewall.sip_udp").Severity);
        Assert.Equal(FindingSeverity.Ok, Single(report, "firewall.sip_tcp").Severity);
        var rtp = Single(report, "firewall.rtp");
        Assert.Contains("missing 15001:20000", rtp.Found, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task OpenSSH_profile_and_port_ranges_count_as_allowed()
    {
        var (report, _) = await Run(ufw: "openssh-profile");

        Assert.DoesNotContain(report.Findings, f => f.Id.StartsWith("firewall.", StringComparison.Ordinal) && f.Severity != FindingSeverity.Ok);
    }

    [Fact(Timeout = 10_000)]
    public async Task Ufw_is_asked_through_the_real_process_runner_with_an_argument_vector()
    {
        var fixture = Path.Combine(DoctorFixtures.Root, "ufw", "good.txt");
        using var ufw = new StandInExecutable($"cat '{fixture}'", "ufw");
        using var fixtures = new DoctorFixtures();
        var runner = new ProcessRunner(TimeProvider.System, new FakeLogger<ProcessRunner>());
        var audit = new DoctorAudit(new DoctorOptions { ConfigDirectory = fixtures.Directory, UfwPath = ufw.Path_ }, runner, BehindNat,
            new FakeLogger<DoctorAudit>());

        var report = await audit.RunAsync(CancellationToken.None);

        Assert.Equal([["status", "verbose"]], ufw.Invocations());
        Assert.Equal(FindingSeverity.Ok, Single(report, "firewall.rtp").Severity);
        Assert.Equal(0, report.ExitCode);
    }

    [Fact(Timeout = 10_000)]
    public async Task Unreadable_firewall_is_a_warning_not_a_crash()
    {
        var runner = new FakeProcessRunner(new ProcessResult(ProcessOutcome.FailedToStart, -1, "", "No such file", TimeSpan.Zero));

        var (report, _) = await Run(runner: runner);

        Assert.Equal(FindingSeverity.Warning, Single(report, "firewall.readable").Severity);
    }

    [Fact(Timeout = 10_000)]
    public async Task Missing_config_files_are_critical()
    {
        using var empty = new DoctorFixtures();
        empty.Delete("pjsip.conf");
        empty.Delete("manager.conf");
        var audit = new DoctorAudit(new DoctorOptions { ConfigDirectory = empty.Directory, CheckFirewall = false },
            FakeProcessRunner.Printing(""), BehindNat, new FakeLogger<DoctorAudit>());

        var report = await audit.RunAsync(CancellationToken.None);

        Assert.Equal(FindingSeverity.Critical, Single(report, "pjsip.missing").Severity);
        Assert.Equal(FindingSeverity.Critical, Single(report, "manager.missing").Severity);
    }

    [Fact(Timeout = 10_000)]
    public async Task Report_round_trips_through_json_with_severity_names()
    {
        var (report, _) = await Run("manager-exposed");

        var json = report.ToJson();
        using var document = JsonDocument.Parse(json);
        Assert.Equal("Critical", document.RootElement.GetProperty("worst").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("\"severity\": \"Critical\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-secret", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new DoctorOptions
        {
            ConfigDirectory = "relative", UfwPath = "", ManagerUser = "two words", SshPort = 0, CommandTimeout = TimeSpan.Zero,
        }.Validate();

        Assert.Equal(5, problems.Count);
        Assert.Empty(new DoctorOptions().Validate());
    }
}
