using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Watchdog.Agent.Tests.Actuators;

/// <summary>
/// The ban path on the real <c>/usr/sbin/ufw</c> with real packets, sandboxed in a <see cref="NetnsLab"/>: the built
/// <c>watchdog run</c> executable runs inside the PBX host, an attacker host connects over the veth pair. Needs root;
/// skipped (with the reason) only outside CI — under <c>CI=true</c> a missing piece fails the test.
/// </summary>
public sealed class RealUfwNamespaceTests(ITestOutputHelper output)
{
    private const int TestPort = 18080;
    private const string ApiUrl = "http://127.0.0.1:9105";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(45);

    [NetnsFact(Timeout = 300_000)]
    public async Task Brute_force_is_dropped_by_real_ufw_lifted_by_bans_remove_and_kept_across_a_restart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var hostV4 = await NetnsLab.RunAsync("iptables", ["-S"], ct);
        var hostV6 = await NetnsLab.RunAsync("ip6tables", ["-S"], ct);

        await using var lab = await NetnsLab.CreateAsync(ct);
        var agentLog = Path.Combine(lab.Work, "agent.log");
        try
        {
            // The PBX host's firewall: deny incoming, one open port with a listener behind it.
            await MustAsync(lab.PbxAsync(ct, "ufw", "default", "deny", "incoming"));
            await MustAsync(lab.PbxAsync(ct, "ufw", "allow", $"{TestPort}/tcp"));
            await MustAsync(lab.PbxAsync(ct, "ufw", "--force", "enable"));
            lab.StartInPbx(["/usr/bin/python3", "-c",
                $"import socket\ns = socket.create_server(('::', {TestPort}), family=socket.AF_INET6, dualstack_ipv6=True)\nwhile True:\n    s.accept()[0].close()"], null);

            var authLog = Path.Combine(lab.Work, "auth.log");
            File.WriteAllText(authLog, "");
            File.WriteAllText(Path.Combine(lab.Work, "messages"), "");
            var config = WriteConfig(lab, authLog);
            var agent = StartAgent(lab, config, agentLog);
            await WaitForAgentAsync(lab, ct);

            Assert.True(await EventuallyAsync(() => lab.AttackerConnectsAsync(lab.PbxV4, TestPort, ct), ct), "the attacker cannot reach the open port before any ban");
            Assert.True(await lab.AttackerConnectsAsync(lab.PbxV6, TestPort, ct), "the attacker cannot reach the open port over IPv6 before any ban");

            // IPv4 brute force → a v4 rule, and the attacker's packets are dropped.
            await BruteForceUntilBannedAsync(lab, authLog, lab.AttackerV4, ct);
            Assert.Contains($"-A ufw-user-input -s {lab.AttackerV4}/32 -j DROP", (await MustAsync(lab.PbxAsync(ct, "iptables", "-S"))).Output, StringComparison.Ordinal);
            Assert.False(await lab.AttackerConnectsAsync(lab.PbxV4, TestPort, ct), "a banned attacker still connects");

            // IPv6 brute force → a v6 rule.
            await BruteForceUntilBannedAsync(lab, authLog, lab.AttackerV6, ct);
            Assert.Equal(1, CountLines((await MustAsync(lab.PbxAsync(ct, "ip6tables", "-S"))).Output, $"-s {lab.AttackerV6}/128 -j DROP"));
            Assert.False(await lab.AttackerConnectsAsync(lab.PbxV6, TestPort, ct), "a banned IPv6 attacker still connects");

            // The operator lifts the v4 ban through the agent's loopback API.
            var removed = await MustAsync(lab.PbxAsync(ct, Watchdog(["bans", "remove", lab.AttackerV4, "--url", ApiUrl])));
            Assert.Contains("unbanned", removed.Output, StringComparison.Ordinal);
            Assert.True(await lab.AttackerConnectsAsync(lab.PbxV4, TestPort, ct), "bans remove did not let the attacker through");
            Assert.DoesNotContain($"-s {lab.AttackerV4}/32 -j DROP", (await MustAsync(lab.PbxAsync(ct, "iptables", "-S"))).Output, StringComparison.Ordinal);

            // A new duration for the v6 ban (POST /api/bans on a banned address) changes its expiry, not the rule set.
            var updated = await MustAsync(ApiAsync(lab, "POST", "/api/bans", $$"""{"address":"{{lab.AttackerV6}}","durationSeconds":7200}""", ct));
            Assert.Equal("\"Updated\"", updated.Output.Trim());
            Assert.Equal(1, CountLines((await MustAsync(lab.PbxAsync(ct, "ip6tables", "-S"))).Output, $"-s {lab.AttackerV6}/128 -j DROP"));

            // Restart: the state file is re-applied and ufw keeps exactly one rule.
            await MustAsync(NetnsLab.RunAsync("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)], ct));
            await agent.WaitForExitAsync(ct);
            var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(lab.Work, "bans.json")));
            Assert.Equal([lab.AttackerV6], state.RootElement.GetProperty("bans").EnumerateArray().Select(b => b.GetProperty("address").GetString()));
            var restartedAt = File.ReadAllText(agentLog).Length;
            StartAgent(lab, config, agentLog);
            await WaitForAgentAsync(lab, ct);
            Assert.True(await EventuallyAsync(() => Task.FromResult(File.ReadAllText(agentLog)[restartedAt..].Contains("1 bans re-applied", StringComparison.Ordinal)), ct),
                "the restarted agent did not re-apply the ban from its state file");
            var bans = await MustAsync(lab.PbxAsync(ct, Watchdog(["bans", "list", "--url", ApiUrl])));
            Assert.Contains(lab.AttackerV6, bans.Output, StringComparison.Ordinal);
            Assert.Equal(1, CountLines((await MustAsync(lab.PbxAsync(ct, "ip6tables", "-S"))).Output, $"-s {lab.AttackerV6}/128 -j DROP"));
            Assert.Equal(1, CountLines((await MustAsync(lab.PbxAsync(ct, "ufw", "status"))).Output, lab.AttackerV6));
            Assert.False(await lab.AttackerConnectsAsync(lab.PbxV6, TestPort, ct), "the ban did not survive the restart");
            Assert.True(await lab.AttackerConnectsAsync(lab.PbxV4, TestPort, ct), "the lifted ban came back after the restart");

            // None of it reached the host's own firewall.
            Assert.Equal(hostV4, await NetnsLab.RunAsync("iptables", ["-S"], ct));
            Assert.Equal(hostV6, await NetnsLab.RunAsync("ip6tables", ["-S"], ct));
        }
        catch
        {
            output.WriteLine(File.Exists(agentLog) ? File.ReadAllText(agentLog) : "(no agent log)");
            throw;
        }
    }

    private static int CountLines(string text, string fragment) => text.Split('\n').Count(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>The agent's configuration: real ufw, no dry run, auth.log and state in the lab, AMI pointed at nothing.</summary>
    private static string WriteConfig(NetnsLab lab, string authLog)
    {
        var path = Path.Combine(lab.Work, "watchdog.json");
        var config = new
        {
            Ami = new { Host = "127.0.0.1", Port = 1, Username = "watchdog", Secret = "unused", ReconnectMaxDelay = "00:00:05" },
            Api = new { ListenUrl = ApiUrl },
            Actuators = new { DryRun = false, CommandTimeout = "00:00:30" },
            Healing = new { Enabled = false, AsteriskLogPath = Path.Combine(lab.Work, "messages") },
            Security = new
            {
                Enabled = true,
                AuthLogPath = authLog,
                PollInterval = "00:00:00.100",
                Ufw = new { ExecutablePath = "/usr/sbin/ufw", CommentPrefix = "watchdog" },
                Bans = new { MaxRetry = 3, StatePath = Path.Combine(lab.Work, "bans.json") },
                Whitelist = new { Networks = Array.Empty<string>(), IncludeHostAddresses = true },
            },
            Diagnosis = new { Evidence = new { Enabled = false } },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    private static string[] Watchdog(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "watchdog.dll");
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return [host, dll, .. args];
    }

    private static Process StartAgent(NetnsLab lab, string config, string log) => lab.StartInPbx(Watchdog(["run", "--config", config]), log);

    private static async Task WaitForAgentAsync(NetnsLab lab, CancellationToken ct)
    {
        if (!await EventuallyAsync(async () => (await ApiAsync(lab, "GET", "/api/bans", null, ct)).ExitCode == 0, ct))
        {
            throw new TimeoutException("the agent's API did not come up inside the PBX host");
        }
    }

    /// <summary>
    /// Appends sshd failures of <paramref name="attacker"/> until the agent bans it: the tailer starts at the end of the
    /// file once it is open, so lines written before that are rightly not read; bounded by <see cref="StepTimeout"/>.
    /// </summary>
    private static async Task BruteForceUntilBannedAsync(NetnsLab lab, string authLog, string attacker, CancellationToken ct)
    {
        var pid = 4100;
        var banned = await EventuallyAsync(async () =>
        {
            var lines = string.Concat(Enumerable.Range(0, 3).Select(_ =>
                $"Nov 26 07:40:{pid % 60:00} pbx sshd[{pid}]: Failed password for invalid user admin from {attacker} port {40000 + pid++} ssh2\n"));
            await File.AppendAllTextAsync(authLog, lines, ct);
            for (var i = 0; i < 10; i++)
            {
                var list = await ApiAsync(lab, "GET", "/api/bans", null, ct);
                if (list.Output.Contains(attacker, StringComparison.Ordinal)) return true;
                await Task.Delay(100, ct);
            }
            return false;
        }, ct);
        Assert.True(banned, $"{attacker} was not banned after a brute force in auth.log");
    }

    /// <summary>One request to the agent's loopback API from inside the PBX host; the body of the answer is the output.</summary>
    private static Task<RunResult> ApiAsync(NetnsLab lab, string method, string path, string? json, CancellationToken ct) =>
        lab.PbxAsync(ct, "/usr/bin/python3", "-c", """
            import sys, urllib.request
            method, url, body = sys.argv[1], sys.argv[2], sys.argv[3]
            data = body.encode() if body else None
            request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
            print(urllib.request.urlopen(request, timeout=10).read().decode())
            """, method, ApiUrl + path, json ?? "");

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StepTimeout)
        {
            if (await condition()) return true;
            await Task.Delay(200, ct);
        }
        return false;
    }

    private static async Task<RunResult> MustAsync(Task<RunResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Output} {result.Error}");
        return result;
    }
}

/// <summary>Runs where a <see cref="NetnsLab"/> can be built; elsewhere skipped with the reason, except under CI=true.</summary>
internal sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (NetnsLab.Unavailable() is { } reason && !NetnsLab.RequiredByCi)
        {
            Skip = $"real-ufw namespace test skipped: {reason} (required when CI=true)";
        }
    }
}
