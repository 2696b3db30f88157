using Watchdog.Agent.Security;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Security;

/// <summary>Turns the ban pipeline's alerts into <see cref="Alert"/>s for the dispatcher.</summary>
public sealed class AttackAlertPublisher(IAlertPublisher alerts, ActionLog? actions = null) : IAttackAlertSink
{
    /// <inheritdoc />
    public ValueTask OnAttackAlertAsync(AttackAlert alert, CancellationToken cancellationToken)
    {
        switch (alert.Kind)
        {
            case AttackAlertKind.Banned when alert.Address is { } banned:
                var details = new Dictionary<string, string> { ["summary"] = alert.Summary };
                if (alert.Source is { } source) details["source"] = source.ToString().ToLowerInvariant();
                if (alert.Until is { } until) details["until"] = until.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
                alerts.Publish(new Alert(AlertKind.Ban, AlertSeverity.Warning, banned.ToString(), alert.At) { Details = details });
                actions?.Record(new ActionRecord(alert.At, "ban", details.GetValueOrDefault("source", "manual"), banned.ToString(), "success"));
                break;
            case AttackAlertKind.Unbanned when alert.Address is { } unbanned:
                actions?.Record(new ActionRecord(alert.At, "unban", "expired_or_manual", unbanned.ToString(), "success"));
                break;
            case AttackAlertKind.FailureSpike:
                alerts.Publish(new Alert(AlertKind.AttackSpike, AlertSeverity.Critical, "auth-failures", alert.At)
                {
                    Details = new Dictionary<string, string>
                    {
                        ["summary"] = alert.Summary,
                        ["per_minute"] = alert.FailuresPerMinute?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    },
                });
                break;
        }
        return ValueTask.CompletedTask;
    }
}
