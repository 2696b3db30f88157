using System.Text.Json;

namespace Watchdog.Agent.Tests.Dashboards;

/// <summary>One query of one panel; <paramref name="Instant"/> when Grafana runs it as an instant query (stat, table).</summary>
public sealed record DashboardQuery(string PanelTitle, string RefId, string Expr, bool Instant = false)
{
    /// <summary>Values Grafana would put in for its built-in variables, for running a query by hand.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltIns = new Dictionary<string, string>
    {
        ["__rate_interval"] = "1m",
        ["__interval"] = "30s",
        ["__range"] = "1h",
    };

    /// <summary>
    /// The expression with $name and ${name} replaced from <paramref name="values"/>, then from
    /// <see cref="BuiltIns"/>, so it can be sent to a real Prometheus.
    /// </summary>
    public string Interpolate(IReadOnlyDictionary<string, string> values) =>
        System.Text.RegularExpressions.Regex.Replace(Expr, @"\$\{(\w+)\}|\$(\w+)", m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return values.TryGetValue(name, out var v) ? v : BuiltIns.TryGetValue(name, out var b) ? b : m.Value;
        });
}

/// <summary>A Grafana dashboard JSON model, read for its queries and variables.</summary>
public sealed class GrafanaDashboard
{
    private GrafanaDashboard(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public static GrafanaDashboard Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new GrafanaDashboard(document.RootElement.Clone());
    }

    /// <summary>Every panel, rows' nested panels included.</summary>
    public IEnumerable<JsonElement> Panels => Flatten(Root.GetProperty("panels"));

    /// <summary>Every Prometheus query of every panel.</summary>
    public IEnumerable<DashboardQuery> Queries =>
        from panel in Panels
        where panel.TryGetProperty("targets", out _)
        from target in panel.GetProperty("targets").EnumerateArray()
        where target.TryGetProperty("expr", out _)
        select new DashboardQuery(
            panel.GetProperty("title").GetString() ?? "",
            target.TryGetProperty("refId", out var refId) ? refId.GetString() ?? "" : "",
            target.GetProperty("expr").GetString() ?? "",
            IsTrue(target, "instant") && !IsTrue(target, "range"));

    /// <summary>Template variables: name and the whole definition.</summary>
    public IEnumerable<(string Name, JsonElement Definition)> Variables =>
        Root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Select(v => (v.GetProperty("name").GetString() ?? "", v));

    private static bool IsTrue(JsonElement target, string property) =>
        target.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    private static IEnumerable<JsonElement> Flatten(JsonElement panels)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in Flatten(nested))
                {
                    yield return inner;
                }
            }
        }
    }
}

/// <summary>Files at the top of the repository (dashboards/, alerts/), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string PathOf(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Watchdog.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new DirectoryNotFoundException($"No Watchdog.sln above {AppContext.BaseDirectory}.");
    }
}
