using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>logger.conf held against the files and levels the agent reads.</summary>
public sealed class LoggerAuditTests
{
    private static readonly DoctorLogInputs Stock = new("/var/log/asterisk/messages", HostName: "pbx1");

    private static IReadOnlyList<DoctorFinding> Audit(string? logger, DoctorLogInputs? inputs = null, string? asterisk = null) =>
        LoggerAudit.Audit(logger is null ? null : AsteriskConfig.Parse(logger, "logger.conf"),
            asterisk is null ? null : AsteriskConfig.Parse(asterisk, "asterisk.conf"), inputs ?? Stock);

    [Fact]
    public void The_channel_asterisk_ships_lacks_verbose_and_the_fix_keeps_its_levels()
    {
        var finding = Assert.Single(Audit("[logfiles]\nconsole => notice,warning,error\nmessages => notice,warning,error\n"));

        Assert.Equal(("logger.messages.levels", FindingSeverity.Warning), (finding.Id, finding.Severity));
        Assert.Equal("'messages => notice,warning,error' has no verbose", finding.Found);
        Assert.Contains("SIP evidence", finding.Symptom, StringComparison.Ordinal);
        Assert.Equal("In logger.conf [logfiles] change to: messages => notice,warning,error,verbose; then asterisk -rx \"logger reload\"", finding.Fix);
    }

    [Fact]
    public void Every_level_the_agent_relies_on_is_named_when_missing()
    {
        var finding = Assert.Single(Audit("[logfiles]\nmessages => error,verbose(3)\n"));

        Assert.Equal("'messages => error,verbose(3)' has no notice, warning", finding.Found);
        Assert.Contains("RTP time-outs", finding.Symptom, StringComparison.Ordinal);
        Assert.Contains("registration failures", finding.Symptom, StringComparison.Ordinal);
        Assert.EndsWith("messages => error,verbose(3),notice,warning; then asterisk -rx \"logger reload\"", finding.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("messages => notice,warning,error,verbose")]
    [InlineData("messages => [plain]notice,warning,verbose(5)")]
    [InlineData("messages => *")]
    [InlineData("/var/log/asterisk/messages => notice , warning , verbose")]
    public void A_channel_with_every_level_is_ok(string line)
    {
        var finding = Assert.Single(Audit($"[logfiles]\n{line}\n"));

        Assert.Equal(FindingSeverity.Ok, finding.Severity);
    }

    [Fact]
    public void Messages_log_channel_against_a_messages_path_says_which_file_asterisk_really_writes()
    {
        var findings = Audit("[logfiles]\nmessages.log => notice,warning,error,verbose\n");

        var finding = Assert.Single(findings, f => f.Id == "logger.messages.path");
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        // The levels of that channel are judged too: right once the path is.
        Assert.Equal(FindingSeverity.Ok, Assert.Single(findings, f => f.Id == "logger.messages.levels").Severity);
        Assert.Equal("'messages.log =>' writes /var/log/asterisk/messages.log, but Healing:AsteriskLogPath is /var/log/asterisk/messages", finding.Found);
        Assert.StartsWith("Set Healing:AsteriskLogPath to /var/log/asterisk/messages.log", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Astlogdir_from_asterisk_conf_and_appendhostname_decide_the_real_path()
    {
        const string Logger = "[general]\nappendhostname = yes\n[logfiles]\nmessages => notice,warning,verbose\n";
        const string Asterisk = "[directories]\nastlogdir => /srv/asterisk/log\n";

        var moved = Assert.Single(Audit(Logger, Stock with { AsteriskLogPath = "/srv/asterisk/log/messages" }, Asterisk), f => f.Id == "logger.messages.path");
        Assert.Equal("'messages =>' writes /srv/asterisk/log/messages.pbx1, but Healing:AsteriskLogPath is /srv/asterisk/log/messages", moved.Found);
        Assert.Equal("In logger.conf [general] set: appendhostname=no, or set Healing:AsteriskLogPath to /srv/asterisk/log/messages.pbx1", moved.Fix);

        Assert.Equal(FindingSeverity.Ok, Assert.Single(Audit(Logger, Stock with { AsteriskLogPath = "/srv/asterisk/log/messages.pbx1" }, Asterisk)).Severity);
    }

    [Fact]
    public void The_sample_asterisk_conf_template_directories_are_not_applied()
    {
        // asterisk.conf.sample ships "[directories](!)": a template, so Asterisk keeps /var/log/asterisk.
        var finding = Assert.Single(Audit("[logfiles]\nmessages => notice,warning,verbose\n", asterisk: "[directories](!)\nastlogdir => /elsewhere\n"));

        Assert.Equal(FindingSeverity.Ok, finding.Severity);
    }

    [Fact]
    public void No_channel_at_all_gives_the_line_to_add()
    {
        var finding = Assert.Single(Audit("[logfiles]\nconsole => notice,warning,error\nsyslog.local0 => notice,warning,error\n"));

        Assert.Equal("no channel writes /var/log/asterisk/messages (Healing:AsteriskLogPath)", finding.Found);
        Assert.Equal("In logger.conf [logfiles] add: messages => notice,warning,error,verbose; then asterisk -rx \"logger reload\"", finding.Fix);
    }

    [Fact]
    public void Without_logger_conf_asterisk_logs_to_the_console_only()
    {
        var finding = Assert.Single(Audit(null));

        Assert.Equal(("logger.missing", FindingSeverity.Warning), (finding.Id, finding.Severity));
        Assert.Contains("[logfiles] and messages => notice,warning,error,verbose", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_channel_is_unreadable_for_the_agent()
    {
        var findings = Audit("[logfiles]\nmessages => [json]notice,warning,verbose\n");

        var format = Assert.Single(findings, f => f.Id == "logger.messages.format");
        Assert.Equal("In logger.conf [logfiles] change to: messages => notice,warning,verbose", format.Fix);
    }

    [Fact]
    public void The_security_log_is_checked_only_when_the_agent_reads_it()
    {
        const string Logger = "[logfiles]\nmessages => notice,warning,verbose\n";
        Assert.DoesNotContain(Audit(Logger), f => f.Id.StartsWith("logger.security", StringComparison.Ordinal));

        var findings = Audit(Logger, Stock with { SecurityLogPath = "/var/log/asterisk/security" });
        var security = Assert.Single(findings, f => f.Id == "logger.security.path");
        Assert.Equal("In logger.conf [logfiles] add: security => security; then asterisk -rx \"logger reload\"", security.Fix);

        var wrongLevel = Audit(Logger + "security => notice\n", Stock with { SecurityLogPath = "/var/log/asterisk/security" });
        Assert.Equal("'security => notice' has no security", Assert.Single(wrongLevel, f => f.Id == "logger.security.levels").Found);
    }

    [Fact]
    public void A_misnamed_channel_without_verbose_gets_both_fixes()
    {
        var findings = Audit("[logfiles]\nmessages.log => notice,warning,error\n");

        Assert.Equal(["logger.messages.path", "logger.messages.levels"], findings.Select(f => f.Id));
        Assert.All(findings, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
        Assert.EndsWith("messages.log => notice,warning,error,verbose; then asterisk -rx \"logger reload\"", findings[1].Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void No_messages_path_configured_means_nothing_to_check()
    {
        Assert.Empty(Audit(null, new DoctorLogInputs(null)));
    }
}
