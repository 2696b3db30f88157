namespace Watchdog.Cli;

/// <summary>Decides whether a status document is healthy; every reason it is not, one line each.</summary>
internal static class StatusHealth
{
    /// <summary>
    /// Empty when healthy: AMI connected, every registration registered, every contact of every endpoint reachable.
    /// While AMI is down its line says where AMI is, why it is down, when the next attempt is (at <paramref name="now"/>)
    /// and how old the last-known PBX data is.
    /// </summary>
    public static IReadOnlyList<string> Problems(StatusView status, DateTimeOffset? now = null)
    {
        var problems = new List<string>();
        if (!string.Equals(status.Ami.State, "connected", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(AmiDown(status, now));
        }
        foreach (var r in status.Registrations.Where(r => !r.Registered))
            problems.Add($"registration {r.Name} is {r.Status}" + (r.LastFailureCause is { } cause ? $" (cause: {cause})" : ""));
        foreach (var e in status.Endpoints.Where(e => e.Contacts.Count > 0))
        {
            var down = e.Contacts.Where(c => !IsReachable(c.Status)).Select(c => c.Label).ToList();
            if (down.Count > 0 || e.Reachable == false)
                problems.Add($"endpoint {e.Name} is unreachable" + (down.Count > 0 ? $" ({string.Join(", ", down)})" : ""));
        }
        return problems;
    }

    private static string AmiDown(StatusView status, DateTimeOffset? now)
    {
        var ami = status.Ami;
        if (ami.LastDisconnect is not { } sentence)
        {
            // An agent that sends only the reason's code.
            var details = new List<string>();
            if (ami.LastDisconnectReason is { } why) details.Add(why);
            if (ami.Endpoint is { } endpoint) details.Add(endpoint);
            return $"AMI is {ami.State}" + (details.Count > 0 ? $" ({string.Join(", ", details)})" : "");
        }
        var text = $"AMI{(ami.Endpoint is { } at ? " at " + at : "")} is {ami.State}: {sentence}";
        if (ami.NextAttemptAt is { } next && now is { } n) text += next > n ? $"; next attempt in {StatusRenderer.Span(next - n)}" : "; next attempt now";
        if (status.Stale == true && status.StaleSeconds is { } age) text += $"; PBX data last-known, {StatusRenderer.Span(TimeSpan.FromSeconds(age))} old";
        return text;
    }

    // Asterisk's contact states: Reachable, Unreachable, Unknown (not qualified yet), NonQualified (qualify off).
    private static bool IsReachable(string status) => status is not ("Unreachable" or "Removed");
}
