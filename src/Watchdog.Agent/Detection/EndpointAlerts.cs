using Watchdog.Agent.Alerting;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Alerts when an endpoint (trunk) stops or starts answering qualify, by comparing successive
/// snapshots. Silent while AMI is down: nothing is known then.
/// </summary>
public sealed class EndpointAlerts(PbxStateStore store, IAlertPublisher alerts)
{
    private Dictionary<string, bool> _reachable = new(StringComparer.Ordinal);

    /// <summary>Compares the current snapshot with the last one seen and alerts on every change.</summary>
    public void Check()
    {
        var s = store.Current;
        if (!s.Ami.Connected || s.LastResyncAt is null)
        {
            return;
        }
        var now = store.Time.GetUtcNow();
        var next = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var e in s.Endpoints.Values)
        {
            if (e.Reachability is null)
            {
                continue; // nothing to reach (a trunk identified by IP, an extension nobody registered) is not an outage
            }
            next[e.Name] = e.IsReachable;
            if (_reachable.TryGetValue(e.Name, out var was) ? was == e.IsReachable : e.IsReachable)
            {
                continue;
            }
            var rtt = e.Contacts.Values.Select(c => c.RoundtripUsec).FirstOrDefault(r => r is not null);
            alerts.Publish(e.IsReachable
                ? new Alert(AlertKind.EndpointReachable, AlertSeverity.Info, e.Name, now)
                {
                    Details = rtt is { } usec ? new Dictionary<string, string> { ["rtt_ms"] = (usec / 1000.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) } : new Dictionary<string, string>(),
                }
                : new Alert(AlertKind.EndpointUnreachable, AlertSeverity.Critical, e.Name, now)
                {
                    Details = new Dictionary<string, string> { ["contacts"] = string.Join(", ", e.Contacts.Values.Select(c => c.Status)) },
                });
        }
        _reachable = next;
    }
}
