namespace Watchdog.Cli;

/// <summary>Decides whether a status document is healthy; every reason it is not, one line each.</summary>
internal static class StatusHealth
{
    /// <summary>Empty when healthy: AMI connected, every registration registered, every contact of every endpoint reachable.</summary>
    public static IReadOnlyList<string> Problems(StatusView status)
    {
        var problems = new List<string>();
        if (!string.Equals(status.Ami.State, "connected", StringComparison.OrdinalIgnoreCase))
        {
            var details = new List<string>();
            if (status.Ami.LastDisconnectReason is { } why) details.Add(why);
            if (status.Ami.Endpoint is { } endpoint) details.Add(endpoint);
            problems.Add($"AMI is {status.Ami.State}" + (details.Count > 0 ? $" ({string.Join(", ", details)})" : ""));
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

    // Asterisk's contact states: Reachable, Unreachable, Unknown (not qualified yet), NonQualified (qualify off).
    private static bool IsReachable(string status) => status is not ("Unreachable" or "Removed");
}
