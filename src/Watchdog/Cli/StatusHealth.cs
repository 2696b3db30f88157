using Watchdog.Agent.Api;

namespace Watchdog.Cli;

/// <summary>Decides whether a status document is healthy; every reason it is not, one line each.</summary>
internal static class StatusHealth
{
    /// <summary>Empty when healthy: AMI connected, every registration registered, every contact of every endpoint reachable.</summary>
    public static IReadOnlyList<string> Problems(StatusDocument status)
    {
        var problems = new List<string>();
        if (!string.Equals(status.Ami.State, "connected", StringComparison.OrdinalIgnoreCase))
            problems.Add($"AMI is {status.Ami.State}" + (status.Ami.LastDisconnectReason is { } why ? $" ({why})" : ""));
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
