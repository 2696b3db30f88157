using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Api;

/// <summary>Registers what the API serves beyond the PBX snapshot.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IStatusExtras"/>: bans, recent actions, failure causes, dry-run and SIP evidence in <c>/api/status</c>.</summary>
    public static IServiceCollection AddWatchdogApi(this IServiceCollection services, ActuatorOptions actuators)
    {
        // Generated serializers first (enums as names come with them); what follows in the chain is never needed.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AgentJsonContext.Default));
        services.AddSingleton<IStatusExtras>(sp => new AgentStatusExtras(sp.GetRequiredService<ActionLog>(), sp.GetRequiredService<RegistrationCauses>(),
            actuators, sp.GetService<BanManager>(), sp.GetService<SipEvidenceRecorder>(), sp.GetService<Fleet.FleetStatusReader>(),
            sp.GetService<MaintenanceMode>(), sp.GetService<Watchdog.Ami.AmiClient>()));
        return services;
    }
}
