namespace Watchdog.Cli;

/// <summary>
/// The exit codes of every <c>watchdog</c> command, one table (README, "Using the CLI"). 64 and 78 are
/// sysexits.h's EX_USAGE and EX_CONFIG, so they never collide with a command's own 1 and 2.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done; healthy; nothing worse than info.</summary>
    public const int Ok = 0;

    /// <summary>Degraded (status), a warning finding (doctor), the agent refused (bans), the agent failed to start (run).</summary>
    public const int Degraded = 1;

    /// <summary>The agent is not reachable (status, bans, maintenance); a critical finding (doctor).</summary>
    public const int Unreachable = 2;

    /// <summary>The command line is wrong (EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>The configuration is missing, unreadable or invalid (EX_CONFIG); the unit's RestartPreventExitStatus.</summary>
    public const int BadConfig = 78;
}
