using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Quartz;
using Serilog;
using Serilog.Events;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Api;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;
using Watchdog.Agent.State;
using Watchdog.Ami;
using Watchdog.Configuration;

namespace Watchdog.Hosting;

/// <summary>
/// The composition root: one web host with the AMI client, the state model, metrics and the API,
/// alerting, self-healing and the ban pipeline, configured from <see cref="AgentSettings"/>.
/// </summary>
public static class AgentHost
{
    /// <summary>Builds the agent (not started).</summary>
    public static WebApplication Build(AgentSettings settings, IConfiguration config, AgentHostOptions? host = null)
    {
        host ??= new AgentHostOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Host.UseSystemd();
        builder.Logging.ClearProviders();
        if (host.ConsoleLogging)
        {
            builder.Services.AddSerilog(AgentLogging.Create(), dispose: true);
        }
        if (host.ExtraLogger is { } extra)
        {
            builder.Logging.AddProvider(extra);
        }
        builder.WebHost.UseUrls(host.ListenUrl);

        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        var time = host.Time ?? TimeProvider.System;
        services.AddSingleton(time);

        // AMI and the state model.
        services.AddSingleton(sp => new AmiClient(settings.Ami, sp.GetRequiredService<ILogger<AmiClient>>(), time));
        services.AddHostedService<AmiClientService>();
        services.AddWatchdogState(config.GetSection("State"));
        services.AddSingleton<IMetricFactory>(sp => Prometheus.Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>()));

        // Alerting.
        services.AddWatchdogAlerting(config.GetSection("Alerting"));
        services.AddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<AlertDispatcher>());
        services.AddSingleton<ActionLog>();

        // Actuators.
        services.AddSingleton(settings.Actuators);
        services.AddSingleton<IProcessRunner, ProcessRunner>();
        services.AddSingleton<RemediationMetrics>();
        if (host.Firewall is { } firewall)
            services.AddSingleton(firewall);
        else
            services.AddSingleton<IFirewall>(sp => new UfwFirewall(settings.Security.Ufw, settings.Actuators,
                sp.GetRequiredService<IProcessRunner>(), sp.GetRequiredService<ILogger<UfwFirewall>>()));

        // Self-healing.
        services.AddSingleton(settings.Healing);
        services.AddSingleton(settings.Healing.Service);
        services.AddSingleton<IAsteriskControl, AmiAsteriskControl>();
        if (host.ServiceManager is { } manager)
            services.AddSingleton(manager);
        else
            services.AddSingleton<IServiceManager, SystemctlServiceManager>();
        services.AddSingleton<RemediationBudget>();
        services.AddSingleton<RegistrationCauses>();
        services.AddSingleton<RegistrationLadder>();
        services.AddSingleton<HealingMetrics>();
        services.AddSingleton(sp => new RemediationRunner(sp.GetRequiredService<IAsteriskControl>(), sp.GetRequiredService<IServiceManager>(),
            sp.GetRequiredService<RemediationMetrics>(), sp.GetRequiredService<IAlertPublisher>(), time,
            sp.GetRequiredService<ILogger<RemediationRunner>>(), sp.GetRequiredService<ActionLog>()));
        services.AddSingleton<IPbxHealthSource, StatePbxHealthSource>();
        services.AddSingleton<RegistrationHealer>();
        services.AddSingleton<HungAsteriskMonitor>();
        services.AddSingleton<RtpTimeoutMonitor>();
        services.AddSingleton<GracefulRestarter>();
        services.AddSingleton<EndpointAlerts>();
        services.AddHostedService<HealingService>();

        // Attacks and bans.
        if (settings.Security.Enabled)
        {
            services.AddSingleton(settings.Security);
            services.AddSingleton(sp => IpWhitelist.Create(settings.Security.Whitelist));
            services.AddSingleton(sp => new BanStateStore(settings.Security.Bans.StatePath, sp.GetRequiredService<ILogger<BanStateStore>>()));
            services.AddSingleton<SecurityMetrics>();
            services.AddSingleton<IAttackAlertSink>(sp => new AttackAlertPublisher(sp.GetRequiredService<IAlertPublisher>(), sp.GetRequiredService<ActionLog>()));
            services.AddSingleton(sp => new BanManager(settings.Security.Bans, sp.GetRequiredService<IpWhitelist>(), sp.GetRequiredService<IFirewall>(),
                sp.GetRequiredService<BanStateStore>(), sp.GetRequiredService<IAttackAlertSink>(), sp.GetRequiredService<SecurityMetrics>(),
                sp.GetRequiredService<RemediationMetrics>(), time, sp.GetRequiredService<ILogger<BanManager>>()));
            services.AddHostedService<SecurityService>();
        }
        // Diagnosis: periodic DNS/TLS/process checks, trunk diagnoses from the log, SIP evidence on failures.
        services.AddWatchdogDiagnosis(settings.Diagnosis, settings.Healing.AsteriskLogPath);
        services.AddSingleton<IStatusExtras>(sp => new AgentStatusExtras(sp.GetRequiredService<ActionLog>(), sp.GetRequiredService<RegistrationCauses>(),
            settings.Actuators, sp.GetService<BanManager>(), sp.GetService<Watchdog.Agent.Diagnosis.SipEvidenceRecorder>()));

        // Scheduled jobs.
        services.AddQuartz(q =>
        {
            q.AddPbxResync();
            if (!string.IsNullOrWhiteSpace(settings.Healing.RestartSchedule))
            {
                q.ScheduleJob<ScheduledRestartJob>(
                    t => t.WithIdentity("scheduled-restart-trigger", ScheduledRestartJob.Key.Group).WithCronSchedule(settings.Healing.RestartSchedule),
                    j => j.WithIdentity(ScheduledRestartJob.Key).DisallowConcurrentExecution());
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        host.ConfigureServices?.Invoke(services);
        var app = builder.Build();
        app.MapWatchdogApi();
        MapBans(app);
        // Created at start so their metrics exist from the first scrape.
        _ = app.Services.GetRequiredService<HealingMetrics>();
        _ = app.Services.GetService<SecurityMetrics>();
        return app;
    }

    private static void MapBans(WebApplication app)
    {
        app.MapGet("/api/bans", async (HttpContext ctx) =>
            app.Services.GetService<BanManager>() is { } bans
                ? Results.Json(await bans.ListBansAsync(ctx.RequestAborted))
                : Results.Problem("bans are disabled (Security.Enabled=false)", statusCode: 404));
        app.MapPost("/api/bans", async (BanRequest request, HttpContext ctx) =>
        {
            if (app.Services.GetService<BanManager>() is not { } bans)
                return Results.Problem("bans are disabled (Security.Enabled=false)", statusCode: 404);
            if (!System.Net.IPAddress.TryParse(request.Address, out var address))
                return Results.Problem($"'{request.Address}' is not an IP address", statusCode: 400);
            var result = await bans.BanAsync(address, request.DurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null, ctx.RequestAborted);
            return Results.Json(result);
        });
        app.MapDelete("/api/bans/{address}", async (string address, HttpContext ctx) =>
        {
            if (app.Services.GetService<BanManager>() is not { } bans)
                return Results.Problem("bans are disabled (Security.Enabled=false)", statusCode: 404);
            if (!System.Net.IPAddress.TryParse(address, out var ip))
                return Results.Problem($"'{address}' is not an IP address", statusCode: 400);
            return await bans.UnbanAsync(ip, ctx.RequestAborted) ? Results.NoContent() : Results.NotFound();
        });
    }

    /// <summary>The body of <c>POST /api/bans</c>.</summary>
    public sealed record BanRequest(string Address, double? DurationSeconds);
}
