using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Api;

/// <summary>The body of <c>POST /api/maintenance</c>: how long (null: until switched off) and why.</summary>
public sealed record MaintenanceRequest(double? DurationSeconds, string? Reason);

/// <summary><c>POST /api/maintenance</c> (on) and <c>DELETE /api/maintenance</c> (off); both answer with the state.</summary>
public static class MaintenanceEndpoints
{
    /// <summary>Longest maintenance the API accepts.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    /// <summary>Maps the maintenance switch (when healing is registered).</summary>
    public static IEndpointRouteBuilder MapWatchdogMaintenance(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<MaintenanceMode>() is not { } mode)
        {
            return endpoints;
        }
        var alerts = endpoints.ServiceProvider.GetRequiredService<MaintenanceAlerts>();
        endpoints.MapPost("/api/maintenance", (MaintenanceRequest? request) =>
        {
            TimeSpan? duration = null;
            if (request?.DurationSeconds is { } seconds)
            {
                if (!double.IsFinite(seconds) || seconds <= 0 || seconds > MaxDuration.TotalSeconds)
                    return Results.Problem($"durationSeconds must be > 0 and at most {MaxDuration.TotalSeconds:0} (was {seconds})", statusCode: 400);
                duration = TimeSpan.FromSeconds(seconds);
            }
            var state = mode.On(duration, request?.Reason);
            alerts.Check();
            return Results.Json(state, AgentJsonContext.Default.MaintenanceState);
        });
        endpoints.MapDelete("/api/maintenance", () =>
        {
            mode.Off();
            alerts.Check();
            return Results.Json(mode.Current, AgentJsonContext.Default.MaintenanceState);
        });
        return endpoints;
    }
}
