using System.Text.RegularExpressions;

namespace Watchdog.Agent.Fleet;

/// <summary>
/// Configuration section <c>Fleet</c>: sharing bans with the other agents through a broker. A plain class,
/// not a record: a record's generated ToString would print the password.
/// </summary>
public sealed partial class FleetOptions
{
    /// <summary>Turns sharing on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The broker: <c>redis://host:port</c> (or <c>rediss://</c> for TLS).</summary>
    public string BrokerUrl { get; set; } = "redis://127.0.0.1:6379";

    /// <summary>The broker's ACL user.</summary>
    public string User { get; set; } = "watchdog";

    /// <summary>The ACL user's password (or <see cref="PasswordFile"/>). A secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>A file whose content is the password (mode 0600).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The fleet key file (at least 32 bytes, the same on every agent): decisions are signed with HMAC-SHA256 over it.</summary>
    public string KeyFile { get; set; } = "/etc/watchdog/fleet.key";

    /// <summary>This agent's name in the fleet (the <c>origin</c> of the bans it publishes); unique per agent.</summary>
    public string AgentName { get; set; } = Environment.MachineName;

    /// <summary>Prefix of every key and channel the agents use on the broker (the ACL user is limited to it).</summary>
    public string KeyPrefix { get; set; } = "watchdog:fleet";

    /// <summary>At most this many remote bans are applied per minute; the rest are dropped and counted.</summary>
    public int MaxRemoteBansPerMinute { get; set; } = 60;

    /// <summary>A decision issued longer ago than this (by its signed timestamp) is dropped as stale or replayed.</summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far in the future a decision's timestamp may be (clock skew between agents).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Decision ids remembered against replay; the oldest are forgotten beyond this.</summary>
    public int SeenCapacity { get; set; } = 100_000;

    /// <summary>The decision log keeps about this many entries (XADD MAXLEN ~).</summary>
    public int StreamMaxLength { get; set; } = 100_000;

    /// <summary>How often the log is read when no wake-up arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First wait after a failed connection; doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between connection attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Decisions waiting for the broker while it is down; beyond this the oldest are dropped.</summary>
    public int PublishQueueCapacity { get; set; } = 10_000;

    /// <summary>Every problem, each naming its key; empty when usable (or disabled).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            return problems;
        }

        if (!Uri.TryCreate(BrokerUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || string.IsNullOrEmpty(uri.Host))
        {
            problems.Add($"Fleet:BrokerUrl must be redis://host:port or rediss://host:port, not \"{BrokerUrl}\".");
        }

        if (string.IsNullOrWhiteSpace(User))
        {
            problems.Add("Fleet:User (the broker's ACL user) is required.");
        }

        if (string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(PasswordFile))
        {
            problems.Add("Fleet:PasswordFile (or Fleet:Password) is required: the broker connection is authenticated.");
        }
        else if (!string.IsNullOrEmpty(PasswordFile) && !File.Exists(PasswordFile))
        {
            problems.Add($"Fleet:PasswordFile '{PasswordFile}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(KeyFile) || !File.Exists(KeyFile))
        {
            problems.Add($"Fleet:KeyFile '{KeyFile}' does not exist (create it with: openssl rand -base64 48 > {KeyFile}; the same file on every agent).");
        }
        else if (FleetSigner.ReadKey(KeyFile).Length < FleetSigner.MinKeyBytes)
        {
            problems.Add($"Fleet:KeyFile '{KeyFile}' holds fewer than {FleetSigner.MinKeyBytes} bytes.");
        }

        if (!NameShape().IsMatch(AgentName ?? "") || AgentName == Security.BanEntry.LocalOrigin)
        {
            problems.Add($"Fleet:AgentName must be 1-64 letters, digits, '.', '-' or '_' (and not \"local\"), not \"{AgentName}\".");
        }

        if (!NameShape().IsMatch(KeyPrefix.Replace(':', '_')))
        {
            problems.Add($"Fleet:KeyPrefix must be letters, digits, ':', '.', '-' or '_', not \"{KeyPrefix}\".");
        }

        if (MaxRemoteBansPerMinute < 1)
        {
            problems.Add("Fleet:MaxRemoteBansPerMinute must be at least 1.");
        }

        if (SeenCapacity < 100 || StreamMaxLength < 100 || PublishQueueCapacity < 1)
        {
            problems.Add("Fleet:SeenCapacity and Fleet:StreamMaxLength must be at least 100, Fleet:PublishQueueCapacity at least 1.");
        }

        foreach (var (name, value) in new[] { ("ReplayWindow", ReplayWindow), ("MaxClockSkew", MaxClockSkew), ("PollInterval", PollInterval), ("ReconnectInitialDelay", ReconnectInitialDelay) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"Fleet:{name} must be positive, not {value}.");
            }
        }

        if (ReconnectMaxDelay < ReconnectInitialDelay)
        {
            problems.Add("Fleet:ReconnectMaxDelay must not be shorter than Fleet:ReconnectInitialDelay.");
        }

        return problems;
    }

    /// <summary>The password from <see cref="Password"/> or <see cref="PasswordFile"/>.</summary>
    public string ResolvePassword() =>
        !string.IsNullOrEmpty(Password) ? Password : File.ReadAllText(PasswordFile!).TrimEnd('\r', '\n');

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NameShape();
}
