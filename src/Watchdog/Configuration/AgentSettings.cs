using Microsoft.Extensions.Configuration;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Logs;
using Watchdog.Agent.Security;
using Watchdog.Ami;

namespace Watchdog.Configuration;

/// <summary>Where the agent looks for SSH failures.</summary>
public sealed record SecuritySettings
{
    /// <summary>Ban attackers at all (detection and metrics run either way).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>sshd's log; when it does not exist the journal is read instead.</summary>
    public string AuthLogPath { get; init; } = "/var/log/auth.log";

    /// <summary>Asterisk's security log, for when the manager user lacks the <c>security</c> class; null: not read.</summary>
    public string? AsteriskSecurityLogPath { get; init; }

    /// <summary>How often the logs are polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public UfwOptions Ufw { get; init; } = new();
    public BanOptions Bans { get; init; } = new();
    public WhitelistOptions Whitelist { get; init; } = new();
    public JournalSshOptions Journal { get; init; } = new();
}

/// <summary>Every section of the configuration, bound and checked together.</summary>
public sealed record AgentSettings
{
    public AmiClientOptions Ami { get; init; } = new();
    public ActuatorOptions Actuators { get; init; } = new();
    public HealingOptions Healing { get; init; } = new();
    public SecuritySettings Security { get; init; } = new();
    public AlertingOptions Alerting { get; init; } = new();

    /// <summary>Binds every section. Unknown keys are ignored; wrong types are reported by <see cref="Validate"/>.</summary>
    public static AgentSettings Bind(IConfiguration config, out IReadOnlyList<string> bindProblems)
    {
        var problems = new List<string>();
        T Section<T>(string name) where T : class, new()
        {
            try
            {
                return config.GetSection(name).Get<T>(o => o.ErrorOnUnknownConfiguration = false) ?? new T();
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"{name}: {e.Message}");
                return new T();
            }
        }
        var settings = new AgentSettings
        {
            Ami = Section<AmiClientOptions>("Ami"),
            Actuators = Section<ActuatorOptions>("Actuators"),
            Healing = Section<HealingOptions>("Healing"),
            Security = Section<SecuritySettings>("Security"),
            Alerting = Section<AlertingOptions>("Alerting"),
        };
        bindProblems = problems;
        return settings;
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
        return problems;
    }
}
