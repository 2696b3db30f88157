using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Api;

/// <summary>Adds bans, recent actions, failure causes, SIP evidence, the fleet link and the dry-run flag to <c>/api/status</c>.</summary>
public sealed class AgentStatusExtras(
    ActionLog actions, RegistrationCauses causes, ActuatorOptions actuators, BanManager? bans = null, Diagnosis.SipEvidenceRecorder? evidence = null,
    Fleet.FleetStatusReader? fleet = null, MaintenanceMode? maintenance = null, Ami.AmiClient? ami = null)
    : IStatusExtras
{
    /// <inheritdoc />
    public async ValueTask<StatusDocument> CompleteAsync(StatusDocument document, CancellationToken ct)
    {
        var banList = bans is null ? [] : await bans.ListBansAsync(ct).ConfigureAwait(false);
        return document with
        {
            Ami = ami is null ? document.Ami : document.Ami with { Endpoint = ami.Endpoint, NextAttemptAt = document.Ami.State == "connected" ? null : ami.NextAttemptAt },
            Registrations = document.Registrations.Select(r =>
            {
                // The last failure stays after recovery, with its time: "what was it?" is asked after the fact.
                var failure = causes.LastEver(r.Name);
                return failure is null ? r : r with { LastFailureCause = failure.Cause, FailurePermanent = failure.Permanent, LastFailureAt = failure.At };
            }).ToList(),
            Bans = banList.Select(b => new BanStatus(b.Address, b.Source.ToString().ToLowerInvariant(), b.Reason, b.BannedAt, b.Until, b.Offence) { Origin = b.Origin }).ToList(),
            RecentActions = actions.Recent(),
            DryRun = actuators.DryRun,
            Evidence = evidence?.Latest ?? [],
            Fleet = fleet?.Read(),
            Maintenance = maintenance?.Current ?? MaintenanceState.Off,
        };
    }
}
