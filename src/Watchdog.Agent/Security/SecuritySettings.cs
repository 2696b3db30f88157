using Watchdog.Agent.Actuators;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Security;

/// <summary>The <c>Security</c> section: where attacks are read from and how bans work.</summary>
public sealed record SecuritySettings
{
    /// <summary>Watch for attacks and ban attackers at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>sshd's log; when it does not exist the journal is read instead.</summary>
    public string AuthLogPath { get; set; } = "/var/log/auth.log";

    /// <summary>Asterisk's security log, for when the manager user lacks the <c>security</c> class; null: not read.</summary>
    public string? AsteriskSecurityLogPath { get; set; }

    /// <summary>How often the logs are polled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public UfwOptions Ufw { get; set; } = new();
    public BanOptions Bans { get; set; } = new();
    public WhitelistOptions Whitelist { get; set; } = new();
    public JournalSshOptions Journal { get; set; } = new();
}
