using System.Text.Json;
using Watchdog.Agent.Tests.Hosting;
using Watchdog.Agent.Tests.Metrics;
using Watchdog.Simulator;
using Xunit.Abstractions;

namespace Watchdog.Agent.Tests.Dashboards;

/// <summary>
/// The dashboard and the alert rules against a real <c>prometheus</c> that scraped the real agent while
/// the simulator played a scenario touching every panel. Absent binary: the Prometheus tests fail when
/// <c>CI=true</c> and pass with a note otherwise (xUnit 2 has no runtime skip).
/// </summary>
public class DashboardOnRealPrometheusTests(ScrapedScenario scenario, ITestOutputHelper output) : IClassFixture<ScrapedScenario>
{
    /// <summary>
    /// Panels that cannot show data after a short test run, with the reason. Keep it tiny: a query that
    /// should have data and has none is a wrong query, to be fixed in the dashboard. A key is a panel title, or
    /// "title#refId" for one query of a panel.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> AllowedEmpty = new Dictionary<string, string>
    {
        ["Fleet link and rejected decisions"] = "watchdog_fleet_* exist only when Fleet is enabled; the single agent of this scenario has no fleet (the fleet tests check these metrics)",
        ["Bans by origin#B"] = "bans from the fleet need a second agent and a broker; query A (all bans) is checked",
    };

    private static bool MayBeEmpty(DashboardQuery q) => AllowedEmpty.ContainsKey(q.PanelTitle) || AllowedEmpty.ContainsKey($"{q.PanelTitle}#{q.RefId}");

    /// <summary>
    /// Panels whose honest value after the scenario is 0. Everywhere else a panel of zeros means the
    /// query reads a pre-created series nothing ever moved (a wrong label or metric), so it fails.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> ZeroIsTheAnswer = new Dictionary<string, string>
    {
        ["Remediation cap"] = "1 only after the hourly cap of healing actions is hit, which would stop the healing the scenario needs",
        ["Registrations down per PBX"] = "the scenario's registration outage is healed within seconds and may fall between two scrapes; the same gauge is checked to have data by the \"Registration state\" panel",
        ["Endpoints unreachable per PBX"] = "as for registrations: the unreachable spell may fall between two scrapes",
    };

    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 60_000)]
    public async Task Every_dashboard_query_returns_data_from_prometheus_that_scraped_the_agent()
    {
        if (scenario.Prometheus is not { } prometheus)
        {
            output.WriteLine(RealPrometheus.RequireOrSkip());
            return;
        }

        var queries = GrafanaDashboard.Load(RepositoryFiles.PathOf("dashboards", "watchdog.json")).Queries.ToArray();
        Assert.NotEmpty(queries);
        Assert.All(AllowedEmpty.Keys.Concat(ZeroIsTheAnswer.Keys), title => Assert.Contains(title, queries.SelectMany(q => new[] { q.PanelTitle, $"{q.PanelTitle}#{q.RefId}" })));

        // Grafana's $__rate_interval with 1 s scrapes would be ~4 s; 1m holds several scrapes and, like
        // $__range = 1m, the whole scenario, which ended seconds ago.
        var values = new Dictionary<string, string>
        {
            ["instance"] = scenario.Instance,
            ["__rate_interval"] = "1m",
            ["__range"] = "1m",
        };
        Dictionary<DashboardQuery, string> failures = [];

        // Scrapes of the scenario's last steps may still be on their way: poll until every query has data.
        await prometheus.PollAsync(async ct =>
        {
            failures = [];
            foreach (var query in queries.Where(q => !MayBeEmpty(q)))
            {
                var expr = query.Interpolate(values);
                var body = query.Instant
                    ? await prometheus.QueryAsync(expr, ct)
                    : await prometheus.QueryRangeAsync(expr, scenario.PrometheusStarted, TimeSpan.FromSeconds(1), ct);
                if (Problem(body, zeroIsData: ZeroIsTheAnswer.ContainsKey(query.PanelTitle)) is { } problem)
                {
                    failures[query] = $"{(query.Instant ? "instant" : "range")} {expr}\n      → {problem}";
                }
            }

            return failures.Count == 0;
        }, DataTimeout);

        output.WriteLine($"{queries.Length} queries of {queries.Select(q => q.PanelTitle).Distinct().Count()} panels on instance {scenario.Instance}");
        Assert.True(failures.Count == 0, "Panels without data:\n" + string.Join("\n",
            failures.Select(f => $"  \"{f.Key.PanelTitle}\" {f.Key.RefId}: {f.Value}")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Every_alert_rule_expression_evaluates_without_error_on_prometheus_that_scraped_the_agent()
    {
        if (scenario.Prometheus is not { } prometheus)
        {
            output.WriteLine(RealPrometheus.RequireOrSkip());
            return;
        }

        var errors = new List<string>();
        foreach (var expr in AlertRuleExpressions())
        {
            var body = await prometheus.QueryAsync(expr);
            if (body.GetProperty("status").GetString() != "success")
            {
                errors.Add($"  {expr}\n      → {body}");
            }
        }

        // Prometheus loaded the same file as rules: each rule must have been evaluated, and healthily.
        var rules = Array.Empty<JsonElement>();
        await prometheus.PollAsync(async ct =>
        {
            var body = await prometheus.GetAsync("/api/v1/rules", ct);
            rules = [.. body.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray())];
            return rules.Length > 0 && rules.All(r => r.GetProperty("health").GetString() != "unknown");
        }, TimeSpan.FromSeconds(10));
        Assert.Equal(AlertRuleExpressions().Length, rules.Length);
        errors.AddRange(rules.Where(r => r.GetProperty("health").GetString() != "ok")
            .Select(r => $"  rule {r.GetProperty("name")}: health {r.GetProperty("health")} {(r.TryGetProperty("lastError", out var e) ? e.ToString() : "")}"));

        Assert.True(errors.Count == 0, "Alert rules that failed:\n" + string.Join("\n", errors));
    }

    [Fact(Timeout = 30_000)]
    public async Task Dashboard_and_alert_rules_use_only_metric_names_the_agent_exports()
    {
        var exported = ExportedNames(await scenario.Agent.MetricsAsync());
        var dashboard = GrafanaDashboard.Load(RepositoryFiles.PathOf("dashboards", "watchdog.json")).Queries
            .SelectMany(q => PromQl.MetricNames(q.Expr).Select(n => (Where: $"panel \"{q.PanelTitle}\"", Name: n)));
        var alerts = AlertRuleExpressions()
            .SelectMany(e => PromQl.MetricNames(e).Select(n => (Where: $"rule expr {e}", Name: n)));

        // `up` is Prometheus's own series about the scrape, not the agent's. The fleet's metrics exist only with
        // Fleet enabled, which this single agent is not: Fleet/FleetHostTests reads them from a fleet agent's /metrics.
        var missing = dashboard.Concat(alerts).Where(u => u.Name != "up" && !FleetOnly.Contains(u.Name) && !exported.Contains(u.Name))
            .Select(u => $"  {u.Name} ({u.Where})").Distinct().ToArray();

        Assert.True(missing.Length == 0, "Names the agent does not export:\n" + string.Join("\n", missing));
        var unexported = MetricContract.Names.Where(n => !FleetOnly.Contains(n) && !exported.Contains(n) && !exported.Contains(n + "_count")).ToArray();
        Assert.True(unexported.Length == 0, "Contract names the agent does not export: " + string.Join(", ", unexported));
    }

    private static readonly HashSet<string> FleetOnly = new(StringComparer.Ordinal) { "watchdog_fleet_connected", "watchdog_fleet_bans_total" };

    /// <summary>The <c>expr:</c> of every rule in alerts/watchdog-rules.yml (each fits on one line).</summary>
    private static string[] AlertRuleExpressions() =>
        [.. File.ReadAllLines(RepositoryFiles.PathOf("alerts", "watchdog-rules.yml"))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("expr:", StringComparison.Ordinal))
            .Select(l => l["expr:".Length..].Trim())];

    /// <summary>Series names in an exposition: each sample line's name (histograms as _bucket, _sum, _count).</summary>
    private static HashSet<string> ExportedNames(string exposition) =>
        exposition.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l[..l.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Null when the answer holds at least one number (other than 0 unless <paramref name="zeroIsData"/>); else why not.</summary>
    private static string? Problem(JsonElement body, bool zeroIsData)
    {
        if (body.GetProperty("status").GetString() != "success")
        {
            return "error: " + body.GetProperty("error").GetString();
        }

        var result = body.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return "empty result";
        }

        // NaN (e.g. histogram_quantile over no observations) draws nothing in Grafana.
        var numbers = result.EnumerateArray()
            .SelectMany(s => s.TryGetProperty("values", out var range) ? range.EnumerateArray().ToArray() : new[] { s.GetProperty("value") })
            .Select(v => v[1].GetString())
            .Where(v => v is not ("NaN" or null))
            .Select(v => double.Parse(v!, System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        return numbers.Length == 0 ? $"only NaN in {result.GetArrayLength()} series"
            : !zeroIsData && numbers.All(v => v == 0) ? $"only zeros in {result.GetArrayLength()} series"
            : null;
    }
}

/// <summary>
/// The real agent against the simulator, scraped by a real prometheus (when installed) every second
/// while a scenario makes every dashboard metric exist: registration lost and healed by the agent,
/// a contact unreachable and back, calls ended normally and by RTP timeout, SIP and SSH attacks banned.
/// </summary>
public sealed class ScrapedScenario : IAsyncLifetime
{
    private readonly Diagnosis.FakeProcTree _proc = new();

    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(45);

    internal AgentUnderTest Agent { get; private set; } = null!;

    /// <summary>Null when the prometheus binary is not installed.</summary>
    internal RealPrometheus? Prometheus { get; private set; }

    /// <summary>The agent's <c>instance</c> label, read the way the dashboard's variable reads it.</summary>
    public string Instance { get; private set; } = "";

    public DateTimeOffset PrometheusStarted { get; private set; }

    public async Task InitializeAsync() => await PlayAsync().WaitAsync(SetupTimeout);

    private async Task PlayAsync()
    {
        // The scenario heals the same registration twice within seconds.
        // A fake /proc with one "Asterisk" process, so the process-health panels have data.
        _proc.Write(4242, rssKb: 204_800, utime: 100, stime: 50, threads: 40, fds: 90, maxOpenFiles: "1024");
        Agent = await AgentUnderTest.StartAsync(s => s with
        {
            Healing = s.Healing with { ReregisterCooldown = TimeSpan.Zero },
            Diagnosis = new Watchdog.Agent.Diagnosis.DiagnosisSettings
            {
                Process = new Watchdog.Agent.Probes.ProcessHealthOptions { ProcRoot = _proc.Root, PidFile = _proc.WritePidFile("4242\n") },
                ProcessInterval = TimeSpan.FromSeconds(1),
            },
        });
        var sim = Agent.Simulator;
        await Agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");

        if (RealPrometheus.FindBinary() is { } binary)
        {
            PrometheusStarted = DateTimeOffset.UtcNow.AddSeconds(-1);
            Prometheus = await RealPrometheus.StartAsync(binary, $"127.0.0.1:{Agent.Http.BaseAddress!.Port}",
                RepositoryFiles.PathOf("alerts", "watchdog-rules.yml"));
            Instance = await InstanceAsync(Prometheus);
        }

        await PlayRoundAsync(1);
        if (Prometheus is null)
        {
            return;
        }

        // Prometheus cannot see the first increment of a counter child that appears with it (no earlier
        // sample to compare), so increase() shows 0 for the round that created the series. Once it has
        // scraped round 1, a second round (and an AMI reconnect) moves every counter in view.
        await WaitUntilScrapedAsync(Prometheus,
            "watchdog_remediations_total{action=\"reregister\",outcome=\"sent\"}",
            "asterisk_registration_transitions_total{status=\"Rejected\"}",
            "asterisk_rtp_timeouts_total",
            "asterisk_call_duration_seconds_count",
            "watchdog_bans_total{source=\"ssh\"} > 0");
        sim.DropConnections();
        await Agent.WaitForMetricAsync("watchdog_ami_reconnects_total 1");
        await Agent.WaitForMetricAsync("watchdog_ami_connected 1");
        await PlayRoundAsync(2);
    }

    /// <summary>Round <paramref name="n"/> of every incident the dashboard shows; attackers differ per round.</summary>
    private async Task PlayRoundAsync(int n)
    {
        var sim = Agent.Simulator;

        var count = n.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Registration: the registrar forbids once (Asterisk gives up) and accepts again at once; Asterisk does not
        // retry by itself, so the registration stays down until the agent re-registers. A 403 gets one re-register
        // (the healing policy): the registrar must already be back when it comes, or the round would depend on which
        // side of the agent's tick the test's next line fell.
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Forbids, permanent: true);
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Accepts);
        await Agent.WaitForMetricAsync("asterisk_registration_transitions_total{registration=\"mango-registration\",status=\"Rejected\"} " + count);

        // Contact: unreachable, then back with a round trip.
        sim.SetContactStatus("mango-trunk", "Unreachable");
        await Agent.WaitForMetricAsync("asterisk_endpoint_reachable{endpoint=\"mango-trunk\"} 0");
        sim.SetContactStatus("mango-trunk", "Reachable", 23_000);

        // Calls: one ends normally, one dies of RTP timeout, one stays up.
        var normal = sim.StartCall();
        var silent = sim.StartCall();
        sim.StartCall();
        sim.Hangup(normal);
        sim.RtpTimeout(silent);

        // Attacks: SIP guesses from one address, an SSH brute force from another.
        for (var i = 0; i < 3; i++)
        {
            sim.EmitSecurity("InvalidAccountID", "PJSIP", "10" + i, $"IPV4/UDP/203.0.113.{4 + n}/5060");
            await File.AppendAllTextAsync(Agent.AuthLog,
                $"Nov 26 07:4{n}:0{i} pbx sshd[41{i}]: Failed password for root from 203.0.113.{76 + n} port 5{i}000 ssh2\n");
        }

        await Agent.WaitForMetricAsync("watchdog_remediations_total{action=\"reregister\",reason=\"registration_stopped\",outcome=\"sent\"} " + count);
        await Agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");
        await Agent.WaitForMetricAsync("asterisk_endpoint_reachable{endpoint=\"mango-trunk\"} 1");
        await Agent.WaitForMetricAsync("asterisk_rtp_timeouts_total{endpoint=\"mango-trunk\"} " + count);
        await Agent.WaitForMetricAsync("watchdog_bans_total{source=\"ssh\"} " + count);
    }

    private static async Task<string> InstanceAsync(RealPrometheus prometheus)
    {
        string[] values = [];
        var found = await prometheus.PollAsync(async ct =>
        {
            var body = await prometheus.GetAsync("/api/v1/label/instance/values?match[]=watchdog_ami_connected", ct);
            values = [.. body.GetProperty("data").EnumerateArray().Select(v => v.GetString() ?? "")];
            return values.Length > 0;
        }, TimeSpan.FromSeconds(15));
        Assert.True(found, "prometheus never scraped watchdog_ami_connected from the agent:\n" + prometheus.Log);
        return Assert.Single(values);
    }

    private static async Task WaitUntilScrapedAsync(RealPrometheus prometheus, params string[] exprs)
    {
        foreach (var expr in exprs)
        {
            var found = await prometheus.PollAsync(async ct =>
                (await prometheus.QueryAsync(expr, ct)).GetProperty("data").GetProperty("result").GetArrayLength() > 0,
                TimeSpan.FromSeconds(15));
            Assert.True(found, $"prometheus never scraped {expr}:\n" + prometheus.Log);
        }
    }

    public async Task DisposeAsync()
    {
        if (Prometheus is not null) await Prometheus.DisposeAsync();
        if (Agent is not null) await Agent.DisposeAsync();
        _proc.Dispose();
    }
}
