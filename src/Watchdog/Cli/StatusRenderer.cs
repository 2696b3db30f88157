using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Watchdog.Agent.Api;

namespace Watchdog.Cli;

/// <summary>Draws a <see cref="StatusDocument"/> as tables; plain text when the console has no colours.</summary>
internal static class StatusRenderer
{
    private const int MaxActions = 10;

    /// <summary>A console over <paramref name="writer"/>: colours only for a real terminal, and a fixed width otherwise so logs and pipes stay legible.</summary>
    public static IAnsiConsole ConsoleFor(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal) console.Profile.Width = 120;
        return console;
    }

    public static void Render(IAnsiConsole console, StatusDocument s, IReadOnlyList<string> problems)
    {
        if (problems.Count == 0)
        {
            console.Write(new Text("HEALTHY", new Style(Color.Green, decoration: Decoration.Bold)));
            console.WriteLine();
        }
        else
        {
            console.Write(new Text("DEGRADED", new Style(Color.Red, decoration: Decoration.Bold)));
            console.WriteLine();
            foreach (var p in problems) console.WriteLine("  - " + p);
        }
        if (s.DryRun) console.WriteLine("dry run: actions are logged, not done");
        console.WriteLine();

        var summary = NewTable("Agent", "", "", "");
        summary.AddRow(Cell("AMI"), State(s.Ami.State, s.Ami.State == "connected"),
            Cell(Join(s.Ami.Since is { } since ? $"since {Time(since)}" : null, $"reconnects {s.Ami.Reconnects}",
                s.Ami.LastDisconnectReason is { } why ? $"last disconnect: {why}" : null,
                s.Ami.LastEventAgeSeconds is { } age ? $"last event {Span(TimeSpan.FromSeconds(age))} ago" : null)));
        summary.AddRow(Cell("Asterisk"), Cell(s.Asterisk.Version ?? "unknown version"),
            Cell(s.Asterisk.UptimeSeconds is { } up ? $"up {Span(TimeSpan.FromSeconds(up))}" : "uptime unknown"));
        summary.AddRow(Cell("Channels"), Cell(s.Channels.Active.ToString(CultureInfo.InvariantCulture) + " active"),
            Cell(string.Join(", ", s.Channels.ByEndpoint.Select(c => $"{c.Key}: {c.Value}"))));
        summary.AddRow(Cell("Dry run"), Cell(s.DryRun ? "yes" : "no"), Cell(""));
        console.Write(summary);

        var registrations = NewTable("Registrations", "Name", "Status", "Since", "Last failure");
        foreach (var r in s.Registrations)
        {
            registrations.AddRow(Cell(r.Name), State(r.Status, r.Registered), Cell(r.LastChangeAt is { } at ? Time(at) : ""),
                Cell(r.Registered ? "" : Join(r.LastFailureCause ?? r.LastErrorStatus, r.FailurePermanent == true ? "Asterisk gave up" : null)));
        }
        Write(console, registrations, s.Registrations.Count, "no outbound registrations");

        var endpoints = NewTable("Endpoints", "Name", "Reachable", "Contact", "Status", "RTT", "Channels");
        foreach (var e in s.Endpoints)
        {
            if (e.Contacts.Count == 0)
            {
                endpoints.AddRow(Cell(e.Name), State(e.Reachable switch { true => "yes", false => "no", null => "-" }, e.Reachable != false), Cell("-"), Cell(""), Cell(""), Number(e.ActiveChannels));
                continue;
            }
            var first = true;
            foreach (var c in e.Contacts)
            {
                endpoints.AddRow(Cell(first ? e.Name : ""), first ? State(e.Reachable switch { true => "yes", false => "no", null => "-" }, e.Reachable != false) : Cell(""),
                    Cell(c.Label), State(c.Status, c.Status != "Unreachable"),
                    Cell(c.RoundtripMs is { } rtt ? rtt.ToString("0.#", CultureInfo.InvariantCulture) + " ms" : ""), first ? Number(e.ActiveChannels) : Cell(""));
                first = false;
            }
        }
        Write(console, endpoints, s.Endpoints.Count, "no endpoints");

        var bans = NewTable("Active bans", "Address", "Source", "Reason", "Until", "Offence");
        foreach (var b in s.Bans)
            bans.AddRow(Cell(b.Address), Cell(b.Source), Cell(b.Reason), Cell(Time(b.Until)), Number(b.Offence));
        Write(console, bans, s.Bans.Count, "no active bans");

        var recent = s.RecentActions.TakeLast(MaxActions).ToList();
        var actions = NewTable($"Last actions (newest last, at most {MaxActions})", "At", "Action", "Target", "Reason", "Outcome");
        foreach (var a in recent)
            actions.AddRow(Cell(Time(a.At)), Cell(a.Action), Cell(a.Target), Cell(a.Reason), Cell(a.Outcome));
        Write(console, actions, recent.Count, "no actions taken");
    }

    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded, Expand = false };
        foreach (var c in columns) table.AddColumn(new TableColumn(new Text(c)));
        if (columns.All(c => c.Length == 0)) table.HideHeaders();
        return table;
    }

    private static void Write(IAnsiConsole console, Table table, int rows, string empty)
    {
        if (rows > 0)
        {
            console.Write(table);
        }
        else
        {
            console.WriteLine($"{table.Title?.Text}: {empty}");
        }
    }

    // Text, never markup: names and reasons come from the PBX and may contain '['.
    private static IRenderable Cell(string text) => new Text(text);

    private static IRenderable Number(int n) => new Text(n.ToString(CultureInfo.InvariantCulture));

    private static IRenderable State(string text, bool good) => new Text(text, new Style(good ? Color.Green : Color.Red));

    private static string Join(params string?[] parts) => string.Join("; ", parts.Where(p => !string.IsNullOrEmpty(p)));

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string Span(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h {t.Minutes}m"
        : t.TotalHours >= 1 ? $"{t.Hours}h {t.Minutes}m"
        : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds}s"
        : $"{t.TotalSeconds:0}s";
}
