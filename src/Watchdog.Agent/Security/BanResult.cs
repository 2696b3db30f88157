namespace Watchdog.Agent.Security;

/// <summary>What a ban request did.</summary>
public enum BanResult
{
    /// <summary>The address is now banned (or would be, in dry-run).</summary>
    Banned,
    /// <summary>It was banned already; nothing changed.</summary>
    AlreadyBanned,
    /// <summary>It is whitelisted and will never be banned.</summary>
    Whitelisted,
    /// <summary>The firewall command failed; the ban is not recorded.</summary>
    Failed,
    /// <summary>It was banned already; its expiry is now the requested duration from now (same firewall rule).</summary>
    Updated,
}
