using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Fleet;

/// <summary>Registers the fleet.</summary>
public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// When <see cref="FleetOptions.Enabled"/>: the Redis broker, the signer over the key file, publisher, receiver,
    /// <see cref="FleetService"/>, <see cref="FleetMetrics"/> and <see cref="FleetStatusReader"/> (read by the API). Needs the
    /// ban pipeline (<see cref="BanManager"/>), an <see cref="IMetricFactory"/> and <see cref="TimeProvider"/>; call it
    /// <paramref name="broker"/> replaces Redis (tests).
    /// </summary>
    /// <exception cref="InvalidOperationException">The options are not usable (every problem listed).</exception>
    public static IServiceCollection AddWatchdogFleet(this IServiceCollection services, FleetOptions options, Func<IServiceProvider, IFleetBroker>? broker = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return services;
        }

        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        services.AddSingleton(options);
        services.AddSingleton(new FleetSigner(FleetSigner.ReadKey(options.KeyFile)));
        services.AddSingleton(broker ?? (_ => new RedisFleetBroker(options, options.ResolvePassword())));
        services.AddSingleton<FleetMetrics>();
        services.AddSingleton(sp => new FleetPublisher(options, sp.GetRequiredService<IFleetBroker>(), sp.GetRequiredService<FleetSigner>(),
            sp.GetRequiredService<FleetMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FleetPublisher>>()));
        services.AddSingleton(sp => new FleetReceiver(options, sp.GetRequiredService<IFleetBroker>(), sp.GetRequiredService<FleetSigner>(),
            sp.GetRequiredService<BanManager>(), sp.GetRequiredService<FleetMetrics>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FleetReceiver>>()));
        services.AddHostedService<FleetService>();

        services.AddSingleton(sp => new FleetStatusReader(sp.GetRequiredService<FleetReceiver>(), sp.GetRequiredService<FleetPublisher>(),
            sp.GetRequiredService<FleetMetrics>(), options, sp.GetRequiredService<IFleetBroker>()));
        return services;
    }
}
