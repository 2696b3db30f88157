using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Prometheus;
using Watchdog.Agent.Metrics;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Api;

/// <summary>Settings of the agent's HTTP listener (configuration section <c>Api</c>).</summary>
public sealed class AgentApiOptions
{
    /// <summary>Where <c>/metrics</c> and <c>/api/status</c> listen. Loopback by default: put a proxy in front to expose it.</summary>
    public string ListenUrl { get; set; } = "http://127.0.0.1:9105";

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        if (!Uri.TryCreate(Kestrel(ListenUrl), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            return [$"Api.ListenUrl must be an http URL with a host and port, like http://127.0.0.1:9105 (was '{ListenUrl}')."];
        }
        return [];
    }

    /// <summary>True when the listener is reachable only from this host.</summary>
    public bool IsLoopback => Uri.TryCreate(Kestrel(ListenUrl), UriKind.Absolute, out var uri) && uri.IsLoopback;

    // Kestrel's "any address" hosts are not URI hosts.
    private static string Kestrel(string url) => url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
}

/// <summary>Wires the PBX state, its metrics and the HTTP API into a host.</summary>
public static class AgentWebHost
{
    /// <summary>Content type of the Prometheus text exposition format.</summary>
    public const string MetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Registers <see cref="PbxStateStore"/>, <see cref="PbxStateTracker"/> (needs an <c>AmiClient</c>
    /// registered by the host) attached to the client by <see cref="PbxStateTrackerService"/>, <see cref="PbxResyncJob"/>,
    /// <see cref="StateOptions"/> bound from <paramref name="stateSection"/>, a private
    /// <see cref="CollectorRegistry"/> and <see cref="PbxMetrics"/>.
    /// </summary>
    public static IServiceCollection AddWatchdogState(this IServiceCollection services, IConfiguration? stateSection = null)
    {
        var options = services.AddOptions<StateOptions>();
        if (stateSection is not null) options.Bind(stateSection);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PbxStateStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PbxStateTracker>();
        services.AddHostedService<PbxStateTrackerService>();
        services.TryAddTransient<PbxResyncJob>();
        services.TryAddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.TryAddSingleton<PbxMetrics>();
        return services;
    }

    /// <summary>Listens on <see cref="AgentApiOptions.ListenUrl"/>.</summary>
    public static WebApplicationBuilder UseWatchdogApi(this WebApplicationBuilder builder, AgentApiOptions options)
    {
        builder.WebHost.UseUrls(options.ListenUrl);
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text), <c>GET /api/status</c> and <c>GET /api/evidence</c> (latest SIP trace per trunk) as JSON.</summary>
    public static IEndpointRouteBuilder MapWatchdogApi(this IEndpointRouteBuilder endpoints)
    {
        // Resolved now so the metrics exist (and render) from the first scrape.
        var registry = endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>();
        _ = endpoints.ServiceProvider.GetRequiredService<PbxMetrics>();
        var store = endpoints.ServiceProvider.GetRequiredService<PbxStateStore>();

        endpoints.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = MetricsContentType;
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        var extras = endpoints.ServiceProvider.GetService<IStatusExtras>();
        endpoints.MapGet("/api/status", async (HttpContext context) =>
        {
            var document = StatusDocument.From(store.Current, store.Events.LastEventAt, store.Time.GetUtcNow());
            if (extras is not null)
            {
                document = await extras.CompleteAsync(document, context.RequestAborted).ConfigureAwait(false);
            }
            return Results.Json(document);
        });
        var evidence = endpoints.ServiceProvider.GetService<Diagnosis.SipEvidenceRecorder>();
        endpoints.MapGet("/api/evidence", () => Results.Json(evidence?.Latest ?? []));
        endpoints.MapWatchdogMaintenance();
        return endpoints;
    }
}
