using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Security;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Hosting;

/// <summary>
/// The provider is never banned, through the real host: the simulator sends Asterisk's security events for INVITEs
/// that matched no endpoint, as it does when the provider starts sending from a new address of its range.
/// </summary>
public sealed class ProviderNeverBannedTests : IDisposable
{
    private readonly DirectoryInfo _asterisk = Directory.CreateTempSubdirectory("watchdog-pjsip-");

    public void Dispose() => _asterisk.Delete(recursive: true);

    [Fact(Timeout = 60_000)]
    public async Task Invites_from_a_new_provider_address_are_a_match_fix_alert_and_never_a_ban_while_outsiders_are_banned()
    {
        File.WriteAllText(Path.Combine(_asterisk.FullName, "pjsip.conf"), """
            [mango-trunk]
            type=endpoint
            [mango-trunk-identify]
            type=identify
            endpoint=mango-trunk
            match=81.88.86.10
            """);
        var alerts = new RecordingPublisher();
        await using var agent = await AgentUnderTest.StartAsync(s => s with
        {
            // The provider's ranges are configured once, in the diagnosis; the whitelist adds nothing of its own.
            Security = s.Security with { Whitelist = new WhitelistOptions { Networks = [], IncludeHostAddresses = false } },
            Diagnosis = new DiagnosisSettings
            {
                Doctor = new DoctorOptions { ConfigDirectory = _asterisk.FullName, CheckFirewall = false },
                Trunks = new TrunkDiagnosisOptions { Providers = [new ProviderRanges("mango-trunk", ["81.88.86.0/24", "81.88.88.0/24"])] },
                Evidence = new EvidenceOptions { Enabled = false },
            },
        }, services => services.AddSingleton<IAlertPublisher>(sp => alerts.Wrapping(sp.GetRequiredService<AlertDispatcher>())));
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");

        for (var i = 0; i < 6; i++)
        {
            agent.Simulator.EmitSecurity("InvalidAccountID", "PJSIP", "+74951234567", "IPV4/UDP/81.88.86.41/5060");
        }

        var alert = await alerts.WaitForAsync(a => a.Kind == AlertKind.TrunkUnmatchedRequest);
        Assert.Equal("81.88.86.41", alert.Subject);
        Assert.Equal("mango-trunk", alert.Details["trunk"]);
        Assert.Equal("In pjsip.conf [mango-trunk-identify] add: match=81.88.86.41", alert.Details["fix"]);

        // The same INVITEs from outside every range: counted and banned as before. The observer sees events in
        // order, so once this ban is in, every provider event before it was judged too.
        for (var i = 0; i < 3; i++)
        {
            agent.Simulator.EmitSecurity("InvalidAccountID", "PJSIP", "+74951234567", "IPV4/UDP/203.0.113.50/5060");
        }

        var metrics = await agent.WaitForMetricAsync("watchdog_bans_active 1");
        Assert.Equal(["block 203.0.113.50"], agent.Parts.Firewall.Calls);
        Assert.Contains("watchdog_auth_failures_total{source=\"sip\"} 3", metrics, StringComparison.Ordinal);
        var failures = await agent.Http.GetFromJsonAsync<JsonElement>("/api/bans/failures");
        Assert.Equal(0, failures.GetArrayLength());
        Assert.DoesNotContain(alerts.Published, a => a.Kind == AlertKind.TrunkUnmatchedRequest && a.Subject == "203.0.113.50");

        // The whitelist the API shows is where the provider's ranges ended up.
        var whitelist = await agent.Http.GetFromJsonAsync<JsonElement>("/api/bans/whitelist");
        Assert.Equal(["127.0.0.0/8", "::1/128", "81.88.86.0/24", "81.88.88.0/24"],
            whitelist.GetProperty("networks").EnumerateArray().Select(n => n.GetString()));
        Assert.False(whitelist.GetProperty("includeHostAddresses").GetBoolean());
        Assert.Equal(0, whitelist.GetProperty("hostAddresses").GetArrayLength());
        Assert.Equal("Whitelisted", (await (await agent.Http.PostAsJsonAsync("/api/bans", new { address = "81.88.88.7" })).Content.ReadFromJsonAsync<JsonElement>()).GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Failures_endpoint_lists_who_is_close_to_a_ban_and_post_caps_and_updates_a_ban()
    {
        await using var agent = await AgentUnderTest.StartAsync(s => s with
        {
            Security = s.Security with { Bans = s.Security.Bans with { MaxRetry = 5, MaxBanTime = TimeSpan.FromHours(6) } },
        });
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");
        for (var i = 0; i < 2; i++)
        {
            agent.Simulator.EmitSecurity("ChallengeResponseFailed", "PJSIP", "100", "IPV4/UDP/198.51.100.9/5060");
        }
        agent.Simulator.EmitSecurity("InvalidAccountID", "PJSIP", "100", "IPV4/UDP/203.0.113.8/5060");

        var rows = await WaitForFailuresAsync(agent, 2);
        Assert.Equal(["198.51.100.9", "203.0.113.8"], rows.Select(r => r.GetProperty("address").GetString()));
        var top = rows[0];
        Assert.Equal("sip", top.GetProperty("source").GetString());
        Assert.Equal(2, top.GetProperty("failures").GetInt32());
        Assert.Equal(5, top.GetProperty("maxRetry").GetInt32());
        Assert.Equal(600, top.GetProperty("findTimeSeconds").GetInt64());
        Assert.True(top.GetProperty("lastFailureAt").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);

        // POST: a year is capped at MaxBanTime; a second POST with a duration updates the one ban.
        var before = DateTimeOffset.UtcNow;
        Assert.Equal("Banned", await PostAsync(agent, new { address = "192.0.2.44", durationSeconds = 365 * 86400.0 }));
        Assert.Equal("Updated", await PostAsync(agent, new { address = "192.0.2.44", durationSeconds = 600.0 }));
        Assert.Equal("AlreadyBanned", await PostAsync(agent, new { address = "192.0.2.44" }));
        var bans = await agent.Http.GetFromJsonAsync<JsonElement>("/api/bans");
        var until = Assert.Single(bans.EnumerateArray()).GetProperty("until").GetDateTimeOffset();
        Assert.InRange(until, before.AddMinutes(10).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(5));
        Assert.Equal(["block 192.0.2.44"], agent.Parts.Firewall.Calls);
        var bad = await agent.Http.PostAsJsonAsync("/api/bans", new { address = "192.0.2.45", durationSeconds = -1.0 });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<string?> PostAsync(AgentUnderTest agent, object body)
    {
        using var response = await agent.Http.PostAsJsonAsync("/api/bans", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetString();
    }

    private static async Task<List<JsonElement>> WaitForFailuresAsync(AgentUnderTest agent, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var rows = (await agent.Http.GetFromJsonAsync<JsonElement>("/api/bans/failures", cts.Token)).EnumerateArray().ToList();
            if (rows.Count >= count) return rows;
            await Task.Delay(50, cts.Token);
        }
    }
}

/// <summary>Records every alert on its way to the real dispatcher.</summary>
internal sealed class RecordingPublisher : IAlertPublisher
{
    private IAlertPublisher? _inner;
    private readonly SemaphoreSlim _published = new(0);

    public ConcurrentQueue<Alert> Published { get; } = new();

    public RecordingPublisher Wrapping(IAlertPublisher inner)
    {
        _inner = inner;
        return this;
    }

    public bool Publish(Alert alert)
    {
        Published.Enqueue(alert);
        _published.Release();
        return _inner?.Publish(alert) ?? true;
    }

    public async Task<Alert> WaitForAsync(Func<Alert, bool> match)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (Published.FirstOrDefault(match) is { } alert) return alert;
            await _published.WaitAsync(cts.Token);
        }
    }
}
