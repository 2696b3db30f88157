using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using Watchdog.Agent.Metrics;
using Watchdog.Agent.Security;
using Watchdog.Agent.State;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Api;

/// <summary>Every HTTP endpoint of the agent: <c>/metrics</c>, <c>/api/status</c>, <c>/api/evidence</c> and <c>/api/bans</c>.</summary>
public static class ApiEndpoints
{
    /// <summary>Content type of the Prometheus text exposition format.</summary>
    public const string MetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text), <c>GET /api/status</c>, <c>GET /api/evidence</c> (latest SIP trace
    /// per trunk) and the ban endpoints (<c>GET/POST /api/bans</c>, <c>DELETE /api/bans/{address}</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapWatchdogApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        // Resolved now so the metrics exist (and render) from the first scrape.
        var registry = services.GetRequiredService<CollectorRegistry>();
        _ = services.GetRequiredService<PbxMetrics>();
        var store = services.GetRequiredService<PbxStateStore>();

        endpoints.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = MetricsContentType;
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        var extras = services.GetService<IStatusExtras>();
        // The return type is spelled out: the request delegate generator takes this block-bodied lambda for a
        // plain Task (and writes an empty 200) when it has to infer it.
        endpoints.MapGet("/api/status", async Task<IResult> (HttpContext context) =>
        {
            var document = StatusDocument.From(store.Current, store.Events.LastEventAt, store.Time.GetUtcNow());
            if (extras is not null)
            {
                document = await extras.CompleteAsync(document, context.RequestAborted).ConfigureAwait(false);
            }
            return Results.Json(document, AgentJsonContext.Default.StatusDocument);
        });
        var evidence = services.GetService<Diagnosis.SipEvidenceRecorder>();
        endpoints.MapGet("/api/evidence", () => Results.Json(evidence?.Latest ?? [], AgentJsonContext.Default.IReadOnlyListTrunkEvidence));
        MapBans(endpoints, services.GetService<BanManager>());
        endpoints.MapWatchdogMaintenance();
        return endpoints;
    }

    private static void MapBans(IEndpointRouteBuilder endpoints, BanManager? bans)
    {
        static IResult Disabled() => Results.Problem("bans are disabled (Security.Enabled=false)", statusCode: 404);

        endpoints.MapGet("/api/bans", async (HttpContext ctx) =>
            bans is null ? Disabled() : Results.Json(await bans.ListBansAsync(ctx.RequestAborted), AgentJsonContext.Default.IReadOnlyListBanEntry));
        endpoints.MapPost("/api/bans", async (BanRequest request, HttpContext ctx) =>
        {
            if (bans is null) return Disabled();
            if (!System.Net.IPAddress.TryParse(request.Address, out var address))
                return Results.Problem($"'{request.Address}' is not an IP address", statusCode: 400);
            if (request.DurationSeconds is { } s && !(s > 0 && double.IsFinite(s)))
                return Results.Problem($"durationSeconds must be a positive number (was {s})", statusCode: 400);
            // Capped here as well as in BanAsync, so a huge number cannot overflow TimeSpan.
            var duration = request.DurationSeconds is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, bans.Options.MaxBanTime.TotalSeconds)) : (TimeSpan?)null;
            var result = await bans.BanAsync(address, duration, request.Fleet == true, ctx.RequestAborted);
            return Results.Json(result, AgentJsonContext.Default.BanResult);
        });
        endpoints.MapGet("/api/bans/whitelist", () =>
            bans is null
                ? Disabled()
                : Results.Json(new WhitelistDocument(
                    [.. bans.Whitelist.Networks.Select(n => n.ToString())], bans.Whitelist.IncludesHostAddresses,
                    [.. bans.Whitelist.Addresses.Select(a => a.ToString())]), AgentJsonContext.Default.WhitelistDocument));
        endpoints.MapGet("/api/bans/failures", async (HttpContext ctx) =>
        {
            if (bans is null) return Disabled();
            var options = bans.Options;
            var pending = await bans.ListFailuresAsync(ctx.RequestAborted);
            return Results.Json(pending.Select(p => new FailureDocument(p.Address, AttackSourceLabel.Of(p.Source), p.Failures,
                options.MaxRetry, (long)options.FindTime.TotalSeconds, p.LastFailureAt)).ToList(), AgentJsonContext.Default.ListFailureDocument);
        });
        endpoints.MapDelete("/api/bans/{address}", async (string address, HttpContext ctx) =>
        {
            if (bans is null) return Disabled();
            if (!System.Net.IPAddress.TryParse(address, out var ip))
                return Results.Problem($"'{address}' is not an IP address", statusCode: 400);
            return await bans.UnbanAsync(ip, ctx.RequestAborted) ? Results.NoContent() : Results.NotFound();
        });
    }
}

/// <summary>The body of <c>POST /api/bans</c>; <c>durationSeconds</c> is capped at <c>Security:Bans:MaxBanTime</c>;
/// <paramref name="Fleet"/> publishes the manual ban to the fleet.</summary>
public sealed record BanRequest(string Address, double? DurationSeconds, bool? Fleet = null);

/// <summary><c>GET /api/bans/whitelist</c>: networks never banned (loopback, configured, providers), and this host's addresses.</summary>
public sealed record WhitelistDocument(IReadOnlyList<string> Networks, bool IncludeHostAddresses, IReadOnlyList<string> HostAddresses);

/// <summary>One row of <c>GET /api/bans/failures</c>: an address with failures within the find time and no ban yet.</summary>
public sealed record FailureDocument(string Address, string Source, int Failures, int MaxRetry, long FindTimeSeconds, DateTimeOffset LastFailureAt);
