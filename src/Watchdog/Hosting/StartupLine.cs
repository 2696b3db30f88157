using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Api;
using Watchdog.Agent.Healing;
using Watchdog.Configuration;
using Watchdog.Agent;

namespace Watchdog.Hosting;

/// <summary>The one line the agent logs when it has started: what runs, where, and whether it only pretends.</summary>
internal static partial class StartupLine
{
    public static string Text(AgentFacts facts, AgentSettings s)
    {
        var alerts = new List<string>();
        if (s.Alerting.Telegram.Enabled) alerts.Add("telegram");
        if (s.Alerting.Email.Enabled) alerts.Add("e-mail");
        return $"watchdog {facts.Version} started: config {facts.ConfigPath}, API {s.Api.ListenUrl}, AMI {s.Ami.Host}:{s.Ami.Port} as {s.Ami.Username}, "
            + $"healing {(s.Healing.Enabled ? "on" : "off")}, security {(s.Security.Enabled ? $"on (sshd from {InputCheck.SshSource(s.Security)})" : "off")}, "
            + $"alerts {(alerts.Count == 0 ? "off" : string.Join(" and ", alerts))}, dry-run {(s.Actuators.DryRun ? "ON: actions are logged, not done" : "off")}";
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Log(ILogger logger, string line);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "input: {Warning}")]
    public static partial void Warn(ILogger logger, string warning);
}

/// <summary>Puts the <c>agent</c> object into <c>/api/status</c> by wrapping whatever <see cref="IStatusExtras"/> the host registered.</summary>
internal static class AgentSectionRegistration
{
    public static void Add(IServiceCollection services, AgentFacts facts)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IStatusExtras));
        if (existing is not null) services.Remove(existing);
        services.AddSingleton<IStatusExtras>(sp => new AgentSectionExtras(existing is null ? null : Resolve(existing, sp), facts,
            sp.GetRequiredService<TimeProvider>(), sp.GetService<RemediationBudget>(), sp.GetService<AlertDispatcher>()));
    }

    private static IStatusExtras Resolve(ServiceDescriptor d, IServiceProvider sp) =>
        (IStatusExtras)(d.ImplementationInstance ?? d.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
}
