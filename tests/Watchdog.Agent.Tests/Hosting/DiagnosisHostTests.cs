using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Tests.Diagnosis;
using Watchdog.Simulator;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Tests.Hosting;

/// <summary>The diagnosis as wired into the real agent host, against the simulator.</summary>
public sealed class DiagnosisHostTests
{
    [Fact(Timeout = 60_000)]
    public async Task Lost_registration_captures_a_redacted_sip_trace_shown_in_api_evidence()
    {
        var commands = new ConcurrentQueue<string>();
        await using var agent = await AgentUnderTest.StartAsync(s => s with
        {
            Diagnosis = new DiagnosisSettings { Evidence = new EvidenceOptions { Duration = TimeSpan.FromSeconds(1) } },
        });
        agent.Simulator.ActionHook = (action, m) =>
        {
            if (action.Equals("Command", StringComparison.OrdinalIgnoreCase) && m["Command"] is { } command && command.StartsWith("pjsip set logger", StringComparison.Ordinal))
            {
                commands.Enqueue(command);
                if (command.StartsWith("pjsip set logger host", StringComparison.Ordinal))
                {
                    // What Asterisk writes while the logger is on: the retried REGISTER and the provider's answer.
                    File.AppendAllText(agent.MessagesLog, """
                        [2026-11-26 08:00:01.000] VERBOSE[12] res_pjsip_logger.c: <--- Transmitting SIP request (512 bytes) to UDP:127.0.0.1:5070 --->
                        REGISTER sip:127.0.0.1:5070 SIP/2.0
                        Authorization: Digest username="mango-user", realm="sim", nonce="abc", response="5ec12e75ec12e7"
                        [2026-11-26 08:00:01.010] VERBOSE[12] res_pjsip_logger.c: <--- Received SIP response (300 bytes) from UDP:127.0.0.1:5070 --->
                        SIP/2.0 403 Forbidden

                        """);
                }
            }
            return null;
        };
        await agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");

        agent.Simulator.SetRegistrar("mango-registration", RegistrarBehaviour.Forbids, permanent: true);

        var evidence = await WaitForEvidenceAsync(agent);
        Assert.Equal("mango-trunk", evidence.GetProperty("trunk").GetString());
        Assert.Equal("127.0.0.1", evidence.GetProperty("host").GetString());
        var lines = evidence.GetProperty("lines").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("SIP/2.0 403 Forbidden", lines);
        Assert.Contains("Authorization: ***", lines);
        Assert.DoesNotContain(lines, l => l!.Contains("5ec12e75ec12e7", StringComparison.Ordinal));
        Assert.Equal(["pjsip set logger host 127.0.0.1", "pjsip set logger off"], commands);

        // The same trace is part of the status document that `watchdog status --json` prints.
        var status = await agent.StatusAsync();
        var inStatus = Assert.Single(status.GetProperty("evidence").EnumerateArray());
        Assert.Equal("mango-trunk", inStatus.GetProperty("trunk").GetString());
        Assert.DoesNotContain("5ec12e75ec12e7", status.GetRawText(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unreachable_trunk_endpoint_captures_a_trace_for_its_contact_host()
    {
        var commands = new ConcurrentQueue<string>();
        await using var agent = await AgentUnderTest.StartAsync(s => s with
        {
            Diagnosis = new DiagnosisSettings
            {
                Doctor = new DoctorOptions { TrunkEndpoints = ["elevenlabs-trunk"] },
                Evidence = new EvidenceOptions { Duration = TimeSpan.FromSeconds(1) },
            },
        });
        agent.Simulator.ActionHook = (action, m) =>
        {
            if (action.Equals("Command", StringComparison.OrdinalIgnoreCase) && m["Command"] is { } command && command.StartsWith("pjsip set logger", StringComparison.Ordinal))
            {
                commands.Enqueue(command);
            }
            return null;
        };
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");

        agent.Simulator.SetContactStatus("elevenlabs-trunk", "Unreachable");

        var evidence = await WaitForEvidenceAsync(agent);
        Assert.Equal("elevenlabs-trunk", evidence.GetProperty("trunk").GetString());
        Assert.Equal("127.0.0.1", evidence.GetProperty("host").GetString());
        Assert.Contains("unreachable", evidence.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["pjsip set logger host 127.0.0.1", "pjsip set logger off"], commands);
    }

    [Fact(Timeout = 60_000)]
    public async Task Process_probe_exports_asterisk_process_metrics_from_the_agents_registry()
    {
        using var proc = new FakeProcTree();
        proc.Write(4242, rssKb: 204_800, utime: 100, stime: 50, threads: 40, fds: 90, maxOpenFiles: "100");
        await using var agent = await AgentUnderTest.StartAsync(s => s with
        {
            Diagnosis = new DiagnosisSettings
            {
                Process = new ProcessHealthOptions { ProcRoot = proc.Root, PidFile = proc.WritePidFile("4242\n") },
                ProcessInterval = TimeSpan.FromSeconds(1),
            },
        });

        var metrics = await agent.WaitForMetricAsync("asterisk_process_open_fds 90");

        Assert.Contains("asterisk_process_up 1", metrics, StringComparison.Ordinal);
        Assert.Contains("asterisk_process_max_fds 100", metrics, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, (await agent.Http.GetFromJsonAsync<JsonElement>("/api/evidence")).ValueKind);
    }

    private static async Task<JsonElement> WaitForEvidenceAsync(AgentUnderTest agent)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var all = await agent.Http.GetFromJsonAsync<JsonElement>("/api/evidence", cts.Token);
            if (all.GetArrayLength() > 0)
            {
                return all[0];
            }
            await Task.Delay(100, cts.Token);
        }
    }
}
