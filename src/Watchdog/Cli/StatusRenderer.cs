using System.Globalization;

namespace Watchdog.Cli;

/// <summary>
/// Draws a status document as one small table per section, within the terminal's width (<c>COLUMNS</c>
/// first), names whole; ASCII, and colour only on a terminal.
/// </summary>
internal static class StatusRenderer
{
    private const int MaxActions = 10;

    /// <summary><c>COLUMNS</c> when set (watch, scripts), else the terminal's width, else 80.</summary>
    public static int Width(bool terminal)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0)
            return columns;
        if (terminal)
        {
            try
            {
                if (Console.WindowWidth > 0) return Console.WindowWidth;
            }
            catch (IOException)
            {
                // No console after all: fall through to the default.
            }
        }
        return 80;
    }

    public static void Render(TextWriter o, StatusView s, IReadOnlyList<string> problems, int width, bool colour, DateTimeOffset now)
    {
        o.WriteLine(TextTable.Paint(problems.Count == 0 ? "HEALTHY" : "DEGRADED", problems.Count == 0 ? Tone.Good : Tone.Bad, colour));
        foreach (var p in problems) Line(o, "  - ", p, width, continuation: "    ");
        if (s.DryRun) o.WriteLine("dry run: actions are logged, not done");
        if (s.Maintenance is { Active: true } m)
            Line(o, "", "maintenance: on" + (m.Until is { } u ? $" until {Time(u)}" : " until turned off") + (m.Reason is { } r ? $" ({r})" : "") + "; no healing actions", width);
        if (s.Stale == true)
            Line(o, "", TextTable.Paint("STALE", Tone.Warn, colour) + ": AMI is down" + (s.StaleSeconds is { } st ? $" for {Span(TimeSpan.FromSeconds(st))}" : "")
                + "; registrations, endpoints and channels below are last-known, not current", width + (colour ? 9 : 0));
        o.WriteLine();

        if (s.Agent is { } a)
        {
            o.WriteLine("Agent");
            Line(o, "  ", Join(a.Version is { } v ? $"version {v}" : null, a.UptimeSeconds is { } up ? $"up {Span(TimeSpan.FromSeconds(up))}" : null,
                a.ConfigPath is { } c ? $"config {c}" : null), width);
            Line(o, "  ", Join(OnOff("healing", a.Healing), OnOff("security", a.Security), OnOff("dry-run", a.DryRun),
                a.ActionsUsed is { } used ? $"actions {used}/{a.ActionsCap?.ToString(CultureInfo.InvariantCulture) ?? "?"} in the last hour" : null), width);
            if (a.AlertChannels.Count == 0) o.WriteLine("  alerts: no channel enabled");
            foreach (var ch in a.AlertChannels)
                Line(o, "  ", $"alerts via {ch.Name}: " + (ch.LastResult is null ? "nothing sent yet"
                    : ch.LastResult + (ch.LastAt is { } at ? $" at {Time(at)}" : "") + (ch.LastError is { } err ? $" ({err})" : "")), width);
            foreach (var w in a.Warnings) Line(o, "  ", TextTable.Paint("warning", Tone.Warn, colour) + ": " + w, width + (colour ? 9 : 0));
            o.WriteLine();
        }

        o.WriteLine("AMI");
        var connected = string.Equals(s.Ami.State, "connected", StringComparison.OrdinalIgnoreCase);
        Line(o, "  ", Join(TextTable.Paint(s.Ami.State, connected ? Tone.Good : Tone.Bad, colour), s.Ami.Endpoint,
            s.Ami.Since is { } since ? $"since {Time(since)}" : null, $"reconnects {s.Ami.Reconnects}",
            (s.Ami.LastDisconnect ?? s.Ami.LastDisconnectReason) is { } why ? $"last disconnect: {why}" : null,
            !connected && s.Ami.NextAttemptAt is { } next ? $"next try {(next > now ? "in " + Span(next - now) : "now")}" : null,
            s.Ami.LastEventAgeSeconds is { } age ? $"last event {Span(TimeSpan.FromSeconds(age))} ago" : null), width + (colour ? 9 : 0));
        o.WriteLine("Asterisk");
        Line(o, "  ", Join(s.Asterisk.Version ?? "unknown version", s.Asterisk.UptimeSeconds is { } aup ? $"up {Span(TimeSpan.FromSeconds(aup))}" : "uptime unknown",
            $"{s.Channels.Active} channel(s) active" + (s.Channels.ByEndpoint.Count > 0 ? " (" + string.Join(", ", s.Channels.ByEndpoint.Select(c => $"{c.Key}: {c.Value}")) + ")" : "")), width);
        o.WriteLine();

        var registrations = new TextTable("NAME", "STATUS", "SINCE", "LAST FAILURE");
        foreach (var r in s.Registrations)
        {
            registrations.Add((r.Name, Tone.Plain), (r.Status, r.Registered ? Tone.Good : Tone.Bad), (r.LastChangeAt is { } at ? Time(at) : "", Tone.Plain),
                (Join(r.LastFailureCause ?? r.LastErrorStatus, r.FailurePermanent == true ? "Asterisk gave up" : null, r.Registered && r.LastFailureCause is not null ? "recovered" : null), Tone.Plain));
        }
        Section(o, "Registrations", registrations, "no outbound registrations", width, colour);

        var endpoints = new TextTable("NAME", "REACHABLE", "CONTACT", "STATUS", "RTT", "CALLS");
        foreach (var e in s.Endpoints)
        {
            var reach = e.Reachable switch { true => ("yes", Tone.Good), false => ("no", Tone.Bad), null => ("-", Tone.Plain) };
            if (e.Contacts.Count == 0)
            {
                endpoints.Add((e.Name, Tone.Plain), reach, ("no contacts", Tone.Plain), ("", Tone.Plain), ("", Tone.Plain), (Num(e.ActiveChannels), Tone.Plain));
                continue;
            }
            var first = true;
            foreach (var c in e.Contacts)
            {
                endpoints.Add((first ? e.Name : "", Tone.Plain), first ? reach : ("", Tone.Plain), (c.Label, Tone.Plain),
                    (c.Status, c.Status == "Unreachable" ? Tone.Bad : Tone.Plain),
                    (c.RoundtripMs is { } rtt ? rtt.ToString("0.#", CultureInfo.InvariantCulture) + " ms" : "", Tone.Plain), (first ? Num(e.ActiveChannels) : "", Tone.Plain));
                first = false;
            }
        }
        Section(o, "Endpoints", endpoints, "no endpoints", width, colour);

        var bans = new TextTable("ADDRESS", "SOURCE", "UNTIL", "REASON");
        foreach (var b in s.Bans) bans.Add(b.Address, b.Source, Time(b.Until), b.Reason);
        Section(o, "Active bans", bans, "no active bans", width, colour);

        var recent = s.RecentActions.TakeLast(MaxActions).ToList();
        var actions = new TextTable("AT", "ACTION", "TARGET", "OUTCOME", "REASON");
        foreach (var x in recent) actions.Add(Time(x.At), x.Action, x.Target, x.Outcome, x.Reason);
        Section(o, $"Last actions (newest last, at most {MaxActions})", actions, "no actions taken", width, colour);
    }

    private static void Section(TextWriter o, string title, TextTable table, string empty, int width, bool colour)
    {
        if (table.Count == 0)
        {
            o.WriteLine($"{title}: {empty}");
            return;
        }
        o.WriteLine(title);
        table.Write(o, width, colour);
        o.WriteLine();
    }

    /// <summary>A line of free text, wrapped to the width with continuation lines indented like the first (or by <paramref name="continuation"/>, as wide).</summary>
    private static void Line(TextWriter o, string indent, string text, int width, string? continuation = null)
    {
        var first = true;
        foreach (var line in TextTable.Wrap(text, Math.Max(20, width - indent.Length)))
        {
            o.WriteLine(((first ? indent : continuation ?? indent) + line).TrimEnd());
            first = false;
        }
    }

    private static string? OnOff(string name, bool? on) => on is { } b ? $"{name} {(b ? "on" : "off")}" : null;

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Join(params string?[] parts) => string.Join(", ", parts.Where(p => !string.IsNullOrEmpty(p)));

    internal static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string Span(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h {t.Minutes}m"
        : t.TotalHours >= 1 ? $"{t.Hours}h {t.Minutes}m"
        : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds}s"
        : $"{t.TotalSeconds:0}s";
}
