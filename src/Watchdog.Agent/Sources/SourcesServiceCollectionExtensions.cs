using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchdog.Ami;

namespace Watchdog.Agent.Sources;

/// <summary>Registers where observations come from: the AMI session and Asterisk's messages log (the security sources are started by the ban pipeline).</summary>
public static class SourcesServiceCollectionExtensions
{
    /// <summary>Adds the <see cref="AmiClient"/> and the hosted service that keeps its session up, and the one reader of Asterisk's log.</summary>
    /// <param name="services">The services.</param>
    /// <param name="ami">Where the manager interface is.</param>
    /// <param name="asteriskLogPath">Asterisk's messages log, tailed once for every <see cref="IAsteriskLogObserver"/>; null: not read.</param>
    public static IServiceCollection AddWatchdogSources(this IServiceCollection services, AmiClientOptions ami, string? asteriskLogPath)
    {
        services.AddSingleton(sp => new AmiClient(ami, sp.GetRequiredService<ILogger<AmiClient>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<AmiClientService>();
        services.AddHostedService(sp => new AsteriskMessagesLog(asteriskLogPath, sp.GetServices<IAsteriskLogObserver>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }
}
