using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Watchdog.Agent.Metrics;

/// <summary>Registers the agent's own metrics registry (never the process-wide default) and the PBX metrics read from the state.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>Adds a private <see cref="CollectorRegistry"/>, an <see cref="IMetricFactory"/> over it and <see cref="PbxMetrics"/>.</summary>
    public static IServiceCollection AddWatchdogMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.TryAddSingleton<IMetricFactory>(sp => Prometheus.Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>()));
        services.TryAddSingleton<PbxMetrics>();
        return services;
    }
}
