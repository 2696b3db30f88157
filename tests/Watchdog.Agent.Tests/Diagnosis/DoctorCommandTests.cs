using System.Text.Json;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// <c>watchdog doctor</c> end to end: a config file naming a prepared Asterisk config folder and a stand-in ufw
/// (a shell script printing a committed <c>ufw status verbose</c>), run through the real process runner.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DoctorCommandTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("watchdog-doctor-cli-");

    public void Dispose() => _work.Delete(recursive: true);

    private string StandInUfw(string fixture, int exitCode = 0)
    {
        var path = Path.Combine(_work.FullName, "ufw");
        var source = Path.Combine(DoctorFixtures.Root, "ufw", fixture + ".txt");
        File.WriteAllText(path, $"#!/bin/sh\ncat '{source}'\necho 'ufw stand-in' >&2\nexit {exitCode}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string Config(string configDirectory, string ufw)
    {
        var path = Path.Combine(_work.FullName, "watchdog.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { Diagnosis = new { Doctor = new { ConfigDirectory = configDirectory, UfwPath = ufw } } }));
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await DoctorCommand.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact(Timeout = 20_000)]
    public async Task Exposed_manager_is_printed_as_critical_with_symptom_and_fix_and_exits_two()
    {
        using var fixtures = new DoctorFixtures("manager-exposed");

        var (exit, output, _) = await Run("--config", Config(fixtures.Directory, StandInUfw("good")));

        Assert.Equal(2, exit);
        var lines = output.Split('\n');
        var crit = Array.FindIndex(lines, l => l.StartsWith("[CRIT] manager.conf", StringComparison.Ordinal));
        Assert.True(crit >= 0, output);
        Assert.StartsWith("    symptom: ", lines[crit + 1], StringComparison.Ordinal);
        Assert.StartsWith("    fix:     ", lines[crit + 2], StringComparison.Ordinal);
        Assert.Contains("worst: critical (exit 2)", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Json_report_holds_every_finding_and_the_exit_code_follows_the_worst()
    {
        using var fixtures = new DoctorFixtures("rtp-unset");

        var (exit, output, _) = await Run("--json", "--config", Config(fixtures.Directory, StandInUfw("good")));

        using var doc = JsonDocument.Parse(output);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.False(string.IsNullOrEmpty(f.GetProperty("id").GetString())));
        var worst = doc.RootElement.GetProperty("worst").GetString();
        Assert.Equal(worst switch { "Critical" => 2, "Warning" => 1, _ => 0 }, exit);
        Assert.Equal(exit, doc.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains(findings, f => f.GetProperty("id").GetString()!.StartsWith("rtp.", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task Good_setup_with_open_firewall_exits_zero_and_runs_the_stand_in_ufw()
    {
        using var fixtures = new DoctorFixtures();

        var (exit, output, _) = await Run("--config", Config(fixtures.Directory, StandInUfw("good")));

        Assert.DoesNotContain("[CRIT]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("firewall.readable", output, StringComparison.Ordinal);
        Assert.Contains("[ OK ]", output, StringComparison.Ordinal);
        Assert.InRange(exit, 0, 1); // 1 only when this test box's own addresses make a NAT remark
    }

    [Fact(Timeout = 20_000)]
    public async Task Failing_ufw_becomes_a_warning_that_the_firewall_is_unknown()
    {
        using var fixtures = new DoctorFixtures();

        var (exit, output, _) = await Run("--json", "--config", Config(fixtures.Directory, StandInUfw("good", exitCode: 1)));

        using var doc = JsonDocument.Parse(output);
        var finding = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "firewall.readable");
        Assert.Equal("Warning", finding.GetProperty("severity").GetString());
        Assert.Equal(1, exit);
    }

    [Fact(Timeout = 20_000)]
    public async Task Invalid_diagnosis_section_lists_the_problem_and_exits_78()
    {
        var (exit, _, error) = await Run("--config", Config("relative/asterisk", StandInUfw("good")));

        Assert.Equal(78, exit);
        Assert.Contains("Diagnosis:Doctor:ConfigDirectory", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Help_prints_usage_and_exits_zero()
    {
        var (exit, output, _) = await Run("--help");

        Assert.Equal(0, exit);
        Assert.Contains("usage: watchdog doctor [--json] [--config FILE]", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Unknown_argument_is_a_usage_error()
    {
        var (exit, output, error) = await Run("--frobnicate");

        Assert.Equal(64, exit);
        Assert.Equal("", output);
        Assert.StartsWith("watchdog: doctor: unknown option '--frobnicate'", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task The_example_configs_placeholder_tls_target_is_not_configured_info_not_critical()
    {
        using var fixtures = new DoctorFixtures();
        var path = Path.Combine(_work.FullName, "placeholder.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Diagnosis = new
            {
                Doctor = new { ConfigDirectory = fixtures.Directory, UfwPath = StandInUfw("good") },
                Tls = new { Targets = new[] { new { Name = "elevenlabs", Host = "voice-ai.example.com", Port = 5061 } } },
            },
        }));

        var (_, output, _) = await Run("--json", "--config", path);

        using var doc = JsonDocument.Parse(output);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var placeholder = Assert.Single(findings, f => f.GetProperty("id").GetString() == "tls.not_configured");
        Assert.Equal("Info", placeholder.GetProperty("severity").GetString());
        Assert.DoesNotContain(findings, f => f.GetProperty("severity").GetString() == "Critical"
            && f.GetProperty("subject").GetString()!.Contains("elevenlabs", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_executable_names_included_files_and_holds_logger_conf_against_the_configured_log()
    {
        using var fixtures = new DoctorFixtures("includes");
        // As Asterisk ships it: the messages channel has no verbose.
        File.WriteAllText(Path.Combine(fixtures.Directory, "logger.conf"), "[general]\n[logfiles]\nconsole => notice,warning,error\nmessages => notice,warning,error\n");
        var path = Path.Combine(_work.FullName, "logs.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Healing = new { AsteriskLogPath = "/var/log/asterisk/messages" },
            Diagnosis = new { Doctor = new { ConfigDirectory = fixtures.Directory, UfwPath = StandInUfw("good") } },
        }));

        var result = await Cli.CliRun.ExecAsync("doctor", "--json", "--config", path);

        using var doc = JsonDocument.Parse(result.Output);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var levels = Assert.Single(findings, f => f.GetProperty("id").GetString() == "logger.messages.levels");
        Assert.Equal("Warning", levels.GetProperty("severity").GetString());
        Assert.Equal("In logger.conf [logfiles] change to: messages => notice,warning,error,verbose; then asterisk -rx \"logger reload\"",
            levels.GetProperty("fix").GetString());
        var excess = Assert.Single(findings, f => f.GetProperty("id").GetString() == "manager.write.excess");
        Assert.Equal("manager.d/watchdog.conf", excess.GetProperty("file").GetString());
        Assert.Equal(2, excess.GetProperty("line").GetInt32());
        Assert.Contains(findings, f => f.GetProperty("id").GetString() == "pjsip.registration.max_retries"
            && f.GetProperty("subject").GetString() == "pjsip_trunks.conf [mango]");
        Assert.Equal(2, result.ExitCode); // the weak [admin] in manager.d/admin.conf is critical
    }
}
