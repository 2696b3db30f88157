using Microsoft.Extensions.Configuration;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Api;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;
using Watchdog.Agent.State;
using Watchdog.Ami;

namespace Watchdog.Agent;

/// <summary>Every section of the configuration, bound and checked together.</summary>
public sealed record AgentSettings
{
    public AmiClientOptions Ami { get; init; } = new();
    public ActuatorOptions Actuators { get; init; } = new();
    public HealingOptions Healing { get; init; } = new();
    public SecuritySettings Security { get; init; } = new();
    public AlertingOptions Alerting { get; init; } = new();
    public DiagnosisSettings Diagnosis { get; init; } = new();
    public Watchdog.Agent.Fleet.FleetOptions Fleet { get; init; } = new();

    /// <summary>The agent's HTTP listener (<c>/metrics</c>, <c>/api/status</c>, <c>/api/bans</c>).</summary>
    public AgentApiOptions Api { get; init; } = new();

    /// <summary>The state model (<c>State:ResyncInterval</c>).</summary>
    public StateOptions State { get; init; } = new();

    /// <summary>Binds every section. Unknown keys are ignored; wrong types are reported by <see cref="Validate"/>.</summary>
    public static AgentSettings Bind(IConfiguration config, out IReadOnlyList<string> bindProblems)
    {
        var problems = new List<string>();
        // One concrete Get<T> per section (not one generic call): the configuration binding source generator
        // writes the binder for each, so binding needs no reflection and works trimmed and under Native AOT.
        T Section<T>(string name, Func<IConfigurationSection, T?> bind) where T : class, new()
        {
            try
            {
                return bind(config.GetSection(name)) ?? new T();
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"{name}: {e.Message}");
                return new T();
            }
        }
        var security = Section("Security", s => s.Get<SecuritySettings>());
        // The binder appends configured items to a list property's non-empty default instead of
        // replacing it; a configured list must be exactly what the file says.
        if (ConfiguredList(config, "Security:Whitelist:Networks") is { } networks)
            security = security with { Whitelist = security.Whitelist with { Networks = networks } };
        else if (config.GetSection("Diagnosis:Trunks:Providers").GetChildren().Any())
            // The providers' ranges are whitelisted from Diagnosis:Trunks:Providers, their one home; the default
            // Networks (the same ranges, for configurations without providers) would be a second copy.
            security = security with { Whitelist = security.Whitelist with { Networks = [] } };
        if (ConfiguredList(config, "Security:Journal:Units") is { } units)
            security = security with { Journal = security.Journal with { Units = units } };
        var settings = new AgentSettings
        {
            Ami = Section("Ami", s => s.Get<AmiClientOptions>()),
            Actuators = Section("Actuators", s => s.Get<ActuatorOptions>()),
            Healing = Section("Healing", s => s.Get<HealingOptions>()),
            Security = security,
            Alerting = Section("Alerting", s => s.Get<AlertingOptions>()),
            Api = Section("Api", s => s.Get<AgentApiOptions>()),
            Diagnosis = Section("Diagnosis", s => s.Get<DiagnosisSettings>()),
            State = Section("State", s => s.Get<StateOptions>()),
            Fleet = Section("Fleet", s => s.Get<Watchdog.Agent.Fleet.FleetOptions>()),
        };
        bindProblems = problems;
        return settings;
    }

    /// <summary>The items of a configured list, or null when the key is absent (the default applies).</summary>
    private static string[]? ConfiguredList(IConfiguration config, string key)
    {
        var section = config.GetSection(key);
        var items = section.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        // An empty JSON array shows up as the key with an empty value: the list is configured, and empty.
        return items.Length > 0 ? items : section.Value is not null ? [] : null;
    }

    /// <summary>Every problem, all at once, each naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        problems.AddRange(Ami.Validate());
        problems.AddRange(Actuators.Validate().Select(p => "Actuators." + p));
        problems.AddRange(Healing.Validate());
        problems.AddRange(Security.Ufw.Validate().Select(p => "Security.Ufw." + p));
        problems.AddRange(Security.Bans.Validate().Select(p => "Security.Bans." + p));
        problems.AddRange(Security.Whitelist.Validate().Select(p => "Security.Whitelist." + p));
        problems.AddRange(Security.Journal.Validate().Select(p => "Security.Journal." + p));
        if (Security.PollInterval <= TimeSpan.Zero) problems.Add("Security.PollInterval must be positive.");
        problems.AddRange(Alerting.Validate());
        problems.AddRange(Api.Validate());
        problems.AddRange(Diagnosis.Validate());
        if (State.ResyncInterval <= TimeSpan.Zero) problems.Add("State.ResyncInterval must be positive.");
        problems.AddRange(Fleet.Validate());
        if (Fleet.Enabled && !Security.Enabled) problems.Add("Fleet:Enabled needs Security:Enabled (fleet bans go through the local ban pipeline).");
        return problems;
    }
}
