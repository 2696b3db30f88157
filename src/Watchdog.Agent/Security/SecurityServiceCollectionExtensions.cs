using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Security;

/// <summary>Registers the ban pipeline.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the whitelist, the ban state file, <see cref="BanManager"/> and <see cref="SecurityService"/>
    /// (auth.log or the journal, AMI security events, Asterisk's security log). Nothing when disabled.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="settings">The <c>Security</c> section.</param>
    /// <param name="providers">The trunk providers (<c>Diagnosis:Trunks:Providers</c>, their one home): never banned, and their
    /// unmatched requests are a diagnosis, not failures.</param>
    public static IServiceCollection AddWatchdogSecurity(this IServiceCollection services, SecuritySettings settings, IEnumerable<Diagnosis.ProviderRanges> providers)
    {
        if (!settings.Enabled)
        {
            return services;
        }
        services.AddSingleton(settings);
        var ranges = providers.SelectMany(p => (p.Ranges ?? []).Select(r => new ProviderNetwork(p.Endpoint, System.Net.IPNetwork.Parse(r)))).ToList();
        services.AddSingleton(_ => IpWhitelist.Create(settings.Whitelist, providerRanges: ranges.Select(p => p.Range.ToString())));
        services.AddSingleton<ProviderRequestQueue>();
        services.AddSingleton<IAuthFailureSink>(sp => new ProviderTrafficFilter(ranges, sp.GetRequiredService<BanManager>(),
            sp.GetRequiredService<ProviderRequestQueue>(), sp.GetRequiredService<ILogger<ProviderTrafficFilter>>()));
        services.AddSingleton(sp => new BanStateStore(settings.Bans.StatePath, sp.GetRequiredService<ILogger<BanStateStore>>()));
        services.AddSingleton<SecurityMetrics>();
        services.AddSingleton<IAttackAlertSink>(sp => new AttackAlertPublisher(sp.GetRequiredService<IAlertPublisher>(), sp.GetRequiredService<ActionLog>()));
        services.AddSingleton(sp => new BanManager(settings.Bans, sp.GetRequiredService<IpWhitelist>(), sp.GetRequiredService<IFirewall>(),
            sp.GetRequiredService<BanStateStore>(), sp.GetRequiredService<IAttackAlertSink>(), sp.GetRequiredService<SecurityMetrics>(),
            sp.GetRequiredService<RemediationMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BanManager>>(),
            sp.GetService<IActuatorGate>()));
        services.AddHostedService<SecurityService>();
        return services;
    }
}
