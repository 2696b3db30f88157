using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Actuators;

/// <summary>Registers the only code that changes the world: processes (ufw, systemctl) and AMI commands to Asterisk.</summary>
public static class ActuatorsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IProcessRunner"/>, <see cref="IFirewall"/> (ufw unless <paramref name="firewall"/> stands in),
    /// <see cref="IServiceManager"/> (systemctl unless <paramref name="serviceManager"/> stands in),
    /// <see cref="IAsteriskControl"/> and <see cref="RemediationMetrics"/>.
    /// </summary>
    public static IServiceCollection AddWatchdogActuators(this IServiceCollection services, ActuatorOptions actuators, UfwOptions ufw,
        ServiceManagerOptions service, IFirewall? firewall = null, IServiceManager? serviceManager = null)
    {
        services.AddSingleton(actuators);
        services.AddSingleton(service);
        services.AddSingleton<IProcessRunner, ProcessRunner>();
        services.AddSingleton<RemediationMetrics>();
        if (firewall is not null)
            services.AddSingleton(firewall);
        else
            services.AddSingleton<IFirewall>(sp => new UfwFirewall(ufw, actuators, sp.GetRequiredService<IProcessRunner>(), sp.GetRequiredService<ILogger<UfwFirewall>>()));
        if (serviceManager is not null)
            services.AddSingleton(serviceManager);
        else
            services.AddSingleton<IServiceManager, SystemctlServiceManager>();
        services.AddSingleton<IAsteriskControl, AmiAsteriskControl>();
        return services;
    }
}
