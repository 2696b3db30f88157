using System.Text.Json;

namespace Watchdog.Agent.Tests.Cli;

/// <summary>status, bans and maintenance against the API shapes of the agent (including fields other branches add).</summary>
public class StatusForPeopleAndScriptsTests
{
    private const string Status = """
        {
          "ami": { "state": "down", "since": "2026-12-01T10:00:00Z", "reconnects": 3, "lastDisconnectReason": "ConnectFailed",
                   "endpoint": "127.0.0.1:5038", "nextAttemptAt": "2999-01-01T00:00:00Z" },
          "stale": true, "staleSeconds": 125,
          "asterisk": { "version": "22.1.0", "uptimeSeconds": 90000 },
          "registrations": [ { "name": "mango-registration-with-a-long-name", "status": "Registered", "registered": true, "lastFailureCause": "403" } ],
          "endpoints": [
            { "name": "elevenlabs-trunk-with-a-very-long-name-indeed", "reachable": true, "activeChannels": 2,
              "contacts": [ { "label": "elevenlabs-trunk/sip:voice.example.com:5061", "status": "Reachable", "roundtripMs": 0.726 } ] },
            { "name": "mango-trunk", "reachable": null, "activeChannels": 0, "contacts": [] }
          ],
          "channels": { "active": 2, "byEndpoint": { "elevenlabs-trunk-with-a-very-long-name-indeed": 2 } },
          "bans": [], "recentActions": [
            { "at": "2026-12-01T10:01:00Z", "action": "reregister", "reason": "registration mango-registration-with-a-long-name was Rejected for longer than the grace period of one minute", "target": "mango-registration-with-a-long-name", "outcome": "succeeded" } ],
          "dryRun": false,
          "maintenance": { "active": true, "until": "2026-12-01T12:00:00Z", "reason": "upgrading Asterisk" },
          "agent": { "version": "1.2.3", "uptimeSeconds": 3700, "configPath": "/etc/watchdog/watchdog.json", "healing": true, "security": false,
                     "dryRun": false, "actionsUsed": 2, "actionsCap": 6,
                     "alertChannels": [ { "name": "telegram", "lastResult": "failed", "lastAt": "2026-12-01T10:02:00Z", "lastError": "401 Unauthorized" } ],
                     "warnings": [ "Security:AuthLogPath /var/log/auth.log does not exist and there is no journal (/usr/bin/journalctl): SSH brute force is not seen" ] }
        }
        """;

    [Fact(Timeout = 60_000)]
    public async Task Status_at_80_columns_fits_keeps_names_whole_and_shows_the_agent_stale_and_maintenance()
    {
        await using var api = await FakeAgentApi.StartAsync(new() { ["GET /api/status"] = Status });

        var result = await CliRun.ExecAsync(new Dictionary<string, string?> { ["COLUMNS"] = "80" }, "status", "--url", api.Url);

        Assert.Equal(1, result.ExitCode);
        result.AssertFits(80);
        Assert.All(result.Output, c => Assert.True(c < 128, $"not ASCII: {c}"));
        Assert.Contains(result.OutputLines, l => l.Contains("elevenlabs-trunk-with-a-very-long-name-indeed", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.Contains("mango-registration-with-a-long-name", StringComparison.Ordinal));
        Assert.Contains("AMI is down (ConnectFailed, 127.0.0.1:5038)", result.Output);
        Assert.Contains("STALE: AMI is down for 2m 5s", result.Output);
        Assert.Contains("maintenance: on until 2026-12-01 12:00:00Z (upgrading Asterisk)", result.Output);
        Assert.Contains("version 1.2.3, up 1h 1m, config /etc/watchdog/watchdog.json", result.Output);
        Assert.Contains("healing on, security off, dry-run off, actions 2/6 in the last hour", result.Output);
        Assert.Contains("alerts via telegram: failed at 2026-12-01 10:02:00Z (401 Unauthorized)", result.Output);
        Assert.Contains("warning: Security:AuthLogPath", result.Output);
        Assert.Contains("next try in ", result.Output);
        // At 80 columns the endpoints do not fit a table: each is its name, then its facts on the line below.
        var mango = Array.FindIndex(result.OutputLines, l => l.TrimStart().StartsWith("mango-trunk", StringComparison.Ordinal));
        Assert.True(mango >= 0, result.Output);
        Assert.Contains("no contacts", result.OutputLines[mango] + result.OutputLines[mango + 1]);
        Assert.Contains("reachable -", result.OutputLines[mango] + result.OutputLines[mango + 1]);
        Assert.DoesNotContain("endpoint mango-trunk", result.Output); // nothing to reach is not unreachable
    }

    [Fact(Timeout = 60_000)]
    public async Task Json_output_parses_for_status_bans_and_check_config()
    {
        await using var api = await FakeAgentApi.StartAsync(new()
        {
            ["GET /api/status"] = Status,
            ["GET /api/bans"] = """[ { "address": "203.0.113.9", "source": "Sshd", "reason": "5 failures", "until": "2026-12-01T12:00:00Z", "offence": 1, "origin": "pbx2" } ]""",
        });

        var status = await CliRun.ExecAsync("status", "--url", api.Url, "--json");
        var bans = await CliRun.ExecAsync("bans", "list", "--url", api.Url, "--json");
        var config = await CliRun.ExecAsync("check-config", "--config", "/nonexistent/watchdog.json", "--json");

        Assert.Equal("1.2.3", JsonDocument.Parse(status.Output).RootElement.GetProperty("agent").GetProperty("version").GetString());
        Assert.Equal("pbx2", JsonDocument.Parse(bans.Output).RootElement[0].GetProperty("origin").GetString());
        Assert.Equal(78, config.ExitCode);
        Assert.False(JsonDocument.Parse(config.Output).RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact(Timeout = 60_000)]
    public async Task Nagios_format_is_one_line_with_plugin_exit_codes()
    {
        await using var api = await FakeAgentApi.StartAsync(new() { ["GET /api/status"] = Status });

        var down = await CliRun.RunAsync("status", "--url", api.Url, "--format", "nagios");
        var gone = await CliRun.RunAsync("status", "--url", $"http://127.0.0.1:{CliRun.FreePort()}", "--format", "nagios");

        Assert.Equal(2, down.ExitCode);
        Assert.StartsWith("WATCHDOG CRITICAL - AMI is down", Assert.Single(down.OutputLines));
        Assert.Contains("| registered=1;;;0;1", down.Output);
        Assert.Equal(3, gone.ExitCode);
        Assert.StartsWith("WATCHDOG UNKNOWN - agent not reachable", Assert.Single(gone.OutputLines));
    }

    [Fact(Timeout = 60_000)]
    public async Task Bans_list_shows_the_origin_and_who_is_close_to_a_ban()
    {
        await using var api = await FakeAgentApi.StartAsync(new()
        {
            ["GET /api/bans"] = """[ { "address": "203.0.113.9", "source": "Sshd", "reason": "5 failures", "until": "2026-12-01T12:00:00Z", "offence": 1, "origin": "pbx2" } ]""",
            ["GET /api/bans/failures"] = """[ { "address": "198.51.100.7", "source": "Sip", "failures": 3, "maxRetry": 5, "findTimeSeconds": 600, "lastFailureAt": "2026-12-01T10:00:00Z" } ]""",
        });

        var result = await CliRun.RunAsync("bans", "list", "--url", api.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ORIGIN", result.OutputLines[0]);
        Assert.Contains("pbx2", result.OutputLines[1]);
        var close = Assert.Single(result.OutputLines, l => l.Contains("198.51.100.7", StringComparison.Ordinal));
        Assert.Contains("3/5", close);
        Assert.Contains("10m 0s", close);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bans_add_fleet_sends_the_flag_and_prints_the_real_end_time_the_agent_returns()
    {
        await using var api = await FakeAgentApi.StartAsync(new()
        {
            ["POST /api/bans"] = """{ "result": "Banned", "until": "2026-12-08T10:00:00Z" }""",
        });

        var result = await CliRun.RunAsync("bans", "add", "203.0.113.9", "--for", "30d", "--fleet", "--url", api.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("banned 203.0.113.9 until 2026-12-08 10:00:00Z", result.Output.Trim());
        var sent = Assert.Single(api.Requests);
        Assert.Contains("\"durationSeconds\":2592000", sent);
        Assert.Contains("\"fleet\":true", sent);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bans_whitelist_lists_networks_and_host_addresses()
    {
        await using var api = await FakeAgentApi.StartAsync(new()
        {
            ["GET /api/bans/whitelist"] = """{ "networks": [ "81.88.86.0/24" ], "includeHostAddresses": true, "hostAddresses": [ "192.0.2.10" ] }""",
        });

        var result = await CliRun.RunAsync("bans", "whitelist", "--url", api.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("81.88.86.0/24", result.Output);
        Assert.Contains("192.0.2.10  (this host)", result.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task Maintenance_on_and_off_go_to_the_agent()
    {
        await using var api = await FakeAgentApi.StartAsync(new()
        {
            ["POST /api/maintenance"] = """{ "active": true, "until": "2026-12-01T12:00:00Z", "reason": "upgrade" }""",
            ["DELETE /api/maintenance"] = "",
        });

        var on = await CliRun.RunAsync("maintenance", "on", "--for", "2h", "--reason", "upgrade", "--url", api.Url);
        var off = await CliRun.RunAsync("maintenance", "off", "--url", api.Url);

        Assert.Equal((0, "maintenance on until 2026-12-01 12:00:00Z: healing actions are paused"), (on.ExitCode, on.Output.Trim()));
        Assert.Equal(0, off.ExitCode);
        Assert.Equal(["POST /api/maintenance {\"durationSeconds\":7200,\"reason\":\"upgrade\"}", "DELETE /api/maintenance"], api.Requests);
    }
}
