using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Security;

/// <summary>Registers the ban pipeline.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the whitelist, the ban state file, <see cref="BanManager"/> and <see cref="SecurityService"/>
    /// (auth.log or the journal, AMI security events, Asterisk's security log). Nothing when disabled.
    /// </summary>
    public static IServiceCollection AddWatchdogSecurity(this IServiceCollection services, SecuritySettings settings)
    {
        if (!settings.Enabled)
        {
            return services;
        }
        services.AddSingleton(settings);
        services.AddSingleton(_ => IpWhitelist.Create(settings.Whitelist));
        services.AddSingleton(sp => new BanStateStore(settings.Bans.StatePath, sp.GetRequiredService<ILogger<BanStateStore>>()));
        services.AddSingleton<SecurityMetrics>();
        services.AddSingleton<IAttackAlertSink>(sp => new AttackAlertPublisher(sp.GetRequiredService<IAlertPublisher>(), sp.GetRequiredService<ActionLog>()));
        services.AddSingleton(sp => new BanManager(settings.Bans, sp.GetRequiredService<IpWhitelist>(), sp.GetRequiredService<IFirewall>(),
            sp.GetRequiredService<BanStateStore>(), sp.GetRequiredService<IAttackAlertSink>(), sp.GetRequiredService<SecurityMetrics>(),
            sp.GetRequiredService<RemediationMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BanManager>>()));
        services.AddHostedService<SecurityService>();
        return services;
    }
}
