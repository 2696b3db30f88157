using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Watchdog.Agent.Tests.Cli;

/// <summary><c>watchdog run</c> as systemd starts it: the real executable, its start-up line, warnings and failures.</summary>
public sealed class AgentStartupTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("watchdog-startup-");

    public void Dispose() => _work.Delete(recursive: true);

    /// <summary>
    /// A config against a closed AMI port, with every file in the temp dir; Asterisk wrote messages.log, not messages,
    /// and its logger.conf has no verbose in that channel.
    /// </summary>
    private string Config(int apiPort)
    {
        File.WriteAllText(Path.Combine(_work.FullName, "messages.log"), "");
        File.WriteAllText(Path.Combine(_work.FullName, "auth.log"), "");
        // As Asterisk ships it: no verbose in the messages channel, so the agent reads no registration causes.
        File.WriteAllText(Path.Combine(_work.FullName, "logger.conf"), "[general]\n\n[logfiles]\nconsole => notice,warning,error\nmessages.log => notice,warning,error\n");
        var path = Path.Combine(_work.FullName, "watchdog.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Ami = new { Host = "127.0.0.1", Port = CliRun.FreePort(), Secret = "s" },
            Api = new { ListenUrl = $"http://127.0.0.1:{apiPort}" },
            Actuators = new { DryRun = true },
            Healing = new { AsteriskLogPath = Path.Combine(_work.FullName, "messages") },
            Security = new { AuthLogPath = Path.Combine(_work.FullName, "auth.log"), Bans = new { StatePath = Path.Combine(_work.FullName, "bans.json") } },
            Diagnosis = new { Doctor = new { ConfigDirectory = _work.FullName } },
        }));
        return path;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_busy_api_port_is_one_line_and_exit_1()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var result = await CliRun.ExecAsync("run", "--config", Config(port));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("watchdog: could not start the agent: ", line);
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.DoesNotContain("   at ", result.Output + result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_invalid_config_exits_78_which_the_unit_does_not_restart_on()
    {
        var config = Path.Combine(_work.FullName, "bad.json");
        File.WriteAllText(config, """{ "Ami": { "Hots": "x" } }""");

        var result = await CliRun.ExecAsync("run", "--config", config);
        var unit = await File.ReadAllTextAsync(Path.Combine(CliRun.RepositoryRoot(), "deploy", "watchdog.service"));

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("Ami:Hots: unknown key — did you mean Ami:Host?", result.Error);
        Assert.Contains("\nRestartPreventExitStatus=78\n", unit.ReplaceLineEndings("\n"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Under_journald_the_agent_logs_priorities_one_start_up_line_and_warnings_for_missing_inputs()
    {
        var port = CliRun.FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "watchdog.dll"), "run", "--config", Config(port) }) start.ArgumentList.Add(a);
        start.Environment["JOURNAL_STREAM"] = "8:12345";
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        JsonElement agent;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
            // Read until the AMI retry line: by then the start-up line and the warnings are out.
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.Contains("next try in", StringComparison.Ordinal) && lines.Any(l => l.Contains(" started: ", StringComparison.Ordinal))) break;
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var status = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/api/status"));
            agent = status.RootElement.GetProperty("agent").Clone();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        Assert.All(lines, l => Assert.Matches(@"^<[0-7]>", l));
        Assert.DoesNotContain(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\d{4}-\d\d-\d\d[ T]\d\d:\d\d"));
        var startup = Assert.Single(lines, l => l.Contains(" started: ", StringComparison.Ordinal));
        Assert.Matches(@"^<6>watchdog \d+\.\d+\.\d+ started: config ", startup);
        Assert.Contains($"API http://127.0.0.1:{port}", startup);
        Assert.Contains("healing on", startup);
        Assert.Contains("dry-run ON", startup);
        Assert.Contains(lines, l => l.StartsWith("<4>input: Healing:AsteriskLogPath", StringComparison.Ordinal) && l.Contains("messages.log instead", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("<4>", StringComparison.Ordinal) && l.Contains("logger.conf", StringComparison.Ordinal));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"next try in \d+(\.\d)? (ms|s|min)\b"));
        // The same facts in /api/status's agent object.
        Assert.Matches(@"^\d+\.\d+\.\d+", agent.GetProperty("version").GetString());
        Assert.EndsWith("watchdog.json", agent.GetProperty("configPath").GetString());
        Assert.True(agent.GetProperty("dryRun").GetBoolean());
        Assert.Equal(6, agent.GetProperty("actionsCap").GetInt32());
        Assert.Contains(agent.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("messages.log instead", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_config_warns_about_missing_inputs_and_finds_messages_log()
    {
        var result = await CliRun.ExecAsync("check-config", "--config", Config(CliRun.FreePort()));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.OutputLines, l => l.StartsWith("warning: Healing:AsteriskLogPath", StringComparison.Ordinal) && l.Contains("messages.log instead", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains("logger.conf", StringComparison.Ordinal));
    }
}
