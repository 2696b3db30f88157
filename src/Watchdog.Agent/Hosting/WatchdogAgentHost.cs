using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Api;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Hosting;

/// <summary>The agent as one web host: the services of <see cref="AgentServiceCollectionExtensions.AddWatchdogAgent(IServiceCollection, AgentSettings, AgentOverrides?)"/> and the endpoints of <see cref="ApiEndpoints"/>.</summary>
public static class WatchdogAgentHost
{
    /// <summary>Builds the agent (not started). <c>watchdog run</c>, <c>watchdog demo</c> and the tests all come through here.</summary>
    public static WebApplication Build(AgentSettings settings, AgentOverrides? overrides = null)
    {
        overrides ??= new AgentOverrides();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // The agent's own configuration comes from the settings. The host's default sources would
            // otherwise watch the working directory with inotify, recursively (hundreds of watches, a
            // wake-up for every file written below it), for an appsettings.json nobody ships.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Host.UseSystemd();
        builder.Logging.ClearProviders();
        overrides.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls(overrides.ListenUrl ?? settings.Api.ListenUrl);
        builder.Services.AddWatchdogAgent(settings, overrides);

        var app = builder.Build();
        app.MapWatchdogApi();
        // Created at start so their metrics exist from the first scrape.
        _ = app.Services.GetRequiredService<HealingMetrics>();
        _ = app.Services.GetRequiredService<MaintenanceAlerts>();
        _ = app.Services.GetService<SecurityMetrics>();
        return app;
    }
}
