using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchdog.Ami;

namespace Watchdog.Agent.Sources;

/// <summary>Registers where observations come from: the AMI session (the log tailers are started by the parts that read them).</summary>
public static class SourcesServiceCollectionExtensions
{
    /// <summary>Adds the <see cref="AmiClient"/> and the hosted service that keeps its session up.</summary>
    public static IServiceCollection AddWatchdogSources(this IServiceCollection services, AmiClientOptions ami)
    {
        services.AddSingleton(sp => new AmiClient(ami, sp.GetRequiredService<ILogger<AmiClient>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<AmiClientService>();
        return services;
    }
}
