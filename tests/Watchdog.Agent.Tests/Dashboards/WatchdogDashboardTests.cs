using System.Text.RegularExpressions;

namespace Watchdog.Agent.Tests.Dashboards;

public class WatchdogDashboardTests
{
    private static readonly GrafanaDashboard Dashboard = GrafanaDashboard.Load(RepositoryFiles.PathOf("dashboards", "watchdog.json"));

    [Fact]
    public void Every_query_uses_only_contract_metric_names()
    {
        var queries = Dashboard.Queries.ToArray();

        Assert.NotEmpty(queries);
        Assert.All(queries, q =>
        {
            var names = PromQl.MetricNames(q.Expr);
            Assert.NotEmpty(names);
            Assert.All(names, n => Assert.True(MetricContract.Allows(n), $"panel \"{q.PanelTitle}\" {q.RefId} uses {n}"));
        });
    }

    [Fact]
    public void Every_contract_metric_is_shown_somewhere()
    {
        var used = Dashboard.Queries.SelectMany(q => PromQl.MetricNames(q.Expr))
            .Select(n => MetricContract.Histograms.FirstOrDefault(h => n.StartsWith(h, StringComparison.Ordinal)) ?? n)
            .ToHashSet();

        Assert.Empty(MetricContract.Names.Except(used));
    }

    [Fact]
    public void Every_variable_is_used_by_a_panel()
    {
        var panelsJson = string.Join("\n", Dashboard.Panels.Select(p => p.GetRawText()));

        Assert.All(Dashboard.Variables, v =>
            Assert.True(Regex.IsMatch(panelsJson, $@"\$(\{{{v.Name}\}}|{v.Name}\b)"), $"variable {v.Name} is unused"));
    }

    [Fact]
    public void Datasource_is_a_prometheus_variable_and_instance_comes_from_ami_connected()
    {
        var variables = Dashboard.Variables.ToDictionary(v => v.Name, v => v.Definition);

        Assert.Equal("datasource", variables["datasource"].GetProperty("type").GetString());
        Assert.Equal("prometheus", variables["datasource"].GetProperty("query").GetString());
        Assert.Equal("label_values(watchdog_ami_connected, instance)", variables["instance"].GetProperty("definition").GetString());
        Assert.All(Dashboard.Panels.Where(p => p.GetProperty("type").GetString() != "row"),
            p => Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        Assert.InRange(Dashboard.Root.GetProperty("schemaVersion").GetInt32(), 36, 41);
    }

    [Fact]
    public void Every_query_filters_by_the_instance_variable()
    {
        Assert.All(Dashboard.Queries, q => Assert.Contains("instance=~\"$instance\"", q.Expr, StringComparison.Ordinal));
    }

    [Fact]
    public void Panel_ids_are_unique()
    {
        var ids = Dashboard.Panels.Select(p => p.GetProperty("id").GetInt32()).ToArray();

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void Alert_rules_use_only_contract_metric_names_and_up()
    {
        var exprs = File.ReadAllLines(RepositoryFiles.PathOf("alerts", "watchdog-rules.yml"))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("expr:", StringComparison.Ordinal))
            .Select(l => l["expr:".Length..].Trim())
            .ToArray();

        Assert.NotEmpty(exprs);
        Assert.All(exprs.SelectMany(PromQl.MetricNames), n => Assert.True(MetricContract.Allows(n) || n == "up", n));
    }

    [Fact]
    public void Query_interpolation_fills_variables_and_grafana_built_ins()
    {
        var query = new DashboardQuery("p", "A", "rate(x{instance=~\"$instance\"}[$__rate_interval]) and on() y{i=\"${instance}\"}");

        Assert.Equal("rate(x{instance=~\"pbx1:9180\"}[1m]) and on() y{i=\"pbx1:9180\"}",
            query.Interpolate(new Dictionary<string, string> { ["instance"] = "pbx1:9180" }));
    }
}

public class PromQlTests
{
    [Theory]
    [InlineData("up{job=\"watchdog\"} == 0", "up")]
    [InlineData("sum by (instance, endpoint) (increase(asterisk_rtp_timeouts_total{x=\"a(b)\"}[10m])) >= 3", "asterisk_rtp_timeouts_total")]
    [InlineData("histogram_quantile(0.95, sum by (le) (rate(asterisk_call_duration_seconds_bucket[$__rate_interval])))", "asterisk_call_duration_seconds_bucket")]
    [InlineData("a_total / on(instance) group_left(role) b:recorded * 1e3", "a_total,b:recorded")]
    [InlineData("sum without (cause) (asterisk_hangups_total offset 5m)", "asterisk_hangups_total")]
    [InlineData("absent(up{job=\"watchdog\"})", "up")]
    public void Metric_names_are_read_from_an_expression(string expr, string expected)
    {
        Assert.Equal(expected.Split(',').Order(), PromQl.MetricNames(expr).Order());
    }
}
