using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Watchdog.Agent.State;

/// <summary>Registers the PBX state model.</summary>
public static class StateServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PbxStateStore"/>, <see cref="PjsipResponsiveness"/> (the <see cref="IPjsipProbe"/>), <see cref="PbxStateTracker"/> (needs an <c>AmiClient</c> registered by
    /// the host) attached to the client by <see cref="PbxStateTrackerService"/>, <see cref="PbxResyncJob"/> and
    /// <paramref name="options"/> (defaults when null).
    /// </summary>
    public static IServiceCollection AddWatchdogState(this IServiceCollection services, StateOptions? options = null)
    {
        services.TryAddSingleton(Options.Create(options ?? new StateOptions()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PbxStateStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PjsipResponsiveness>();
        services.TryAddSingleton<IPjsipProbe>(sp => sp.GetRequiredService<PjsipResponsiveness>());
        services.TryAddSingleton<PbxStateTracker>();
        services.AddHostedService<PbxStateTrackerService>();
        services.TryAddTransient<PbxResyncJob>();
        return services;
    }
}
