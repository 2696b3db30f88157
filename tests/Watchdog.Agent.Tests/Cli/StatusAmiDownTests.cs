using System.Text.Json;
using System.Text.RegularExpressions;

namespace Watchdog.Agent.Tests.Cli;

/// <summary>While AMI is down, <c>watchdog status</c> says where AMI is, why it is down, when it tries again and how old the PBX data is.</summary>
public class StatusAmiDownTests
{
    private const string Sentence = "Asterisk shut down cleanly at 12:03:41Z (restart: no); since then: connection refused by 127.0.0.1:5038, 5 attempts, the last at 12:05:10Z";

    private const string Status = """
        {
          "ami": { "state": "down", "since": "2026-12-01T12:03:42Z", "reconnects": 0, "lastDisconnectReason": "ServerShutdown",
                   "endpoint": "127.0.0.1:5038", "nextAttemptAt": "2999-01-01T00:00:00Z",
                   "lastDisconnect": "Asterisk shut down cleanly at 12:03:41Z (restart: no); since then: connection refused by 127.0.0.1:5038, 5 attempts, the last at 12:05:10Z",
                   "firstCause": "Asterisk shut down cleanly at 12:03:41Z (restart: no)", "lastDisconnectAt": "2026-12-01T12:03:41Z",
                   "latestDisconnectReason": "ConnectFailed", "failedAttempts": 5 },
          "stale": true, "staleSeconds": 125,
          "asterisk": { "version": "22.1.0", "uptimeSeconds": 90000 },
          "registrations": [ { "name": "mango-registration", "status": "Registered", "registered": true } ],
          "endpoints": [], "channels": { "active": 0, "byEndpoint": {} }, "bans": [], "recentActions": [], "dryRun": false
        }
        """;

    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    [Fact(Timeout = 60_000)]
    public async Task Text_says_where_ami_is_the_kept_cause_the_next_attempt_and_the_age_of_the_data()
    {
        await using var api = await FakeAgentApi.StartAsync(new() { ["GET /api/status"] = Status });

        var result = await CliRun.ExecAsync(new Dictionary<string, string?> { ["COLUMNS"] = "80" }, "status", "--url", api.Url);

        Assert.Equal(1, result.ExitCode);
        result.AssertFits(80);
        var problem = Flat(string.Join(" ", result.OutputLines.SkipWhile(l => !l.StartsWith("  - ", StringComparison.Ordinal))
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))));
        Assert.StartsWith($"- AMI at 127.0.0.1:5038 is down: {Sentence}; next attempt in ", problem.Trim());
        Assert.EndsWith("; PBX data last-known, 2m 5s old", problem.Trim());
        // One problem, wrapped: its continuation lines are not bullets of their own.
        Assert.Single(result.OutputLines, l => l.StartsWith("  - ", StringComparison.Ordinal));
        Assert.Contains("STALE: AMI is down for 2m 5s", result.Output);
        Assert.Contains($"last disconnect: {Sentence}", Flat(result.Output));
    }

    [Fact(Timeout = 60_000)]
    public async Task Nagios_line_carries_the_sentence_and_the_staleness()
    {
        await using var api = await FakeAgentApi.StartAsync(new() { ["GET /api/status"] = Status });

        var result = await CliRun.RunAsync("status", "--url", api.Url, "--format", "nagios");
        var json = await CliRun.RunAsync("status", "--url", api.Url, "--json");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.OutputLines);
        Assert.StartsWith($"WATCHDOG CRITICAL - AMI at 127.0.0.1:5038 is down: {Sentence}; next attempt in ", line);
        Assert.Contains("; PBX data last-known, 2m 5s old | registered=1;;;0;1", line);
        Assert.EndsWith(" stale=125s", line);
        var ami = JsonDocument.Parse(json.Output).RootElement.GetProperty("ami");
        Assert.Equal(Sentence, ami.GetProperty("lastDisconnect").GetString());
        Assert.Equal("ServerShutdown", ami.GetProperty("lastDisconnectReason").GetString());
    }
}
