using System.Net;

namespace Watchdog.Agent.Detection;

/// <summary>What one sshd line means for ban decisions.</summary>
public enum SshdVerdict : byte
{
    /// <summary>Not a line we act on.</summary>
    Ignore,
    /// <summary>An authentication failure (the address may be missing and learnt later from the same sshd pid).</summary>
    Failure,
    /// <summary>
    /// Not a failure by itself, but tells the session's address or user (connection opened/closed, a pam_unix
    /// failure that a second method may still turn into a success, a wrong key of a valid user).
    /// </summary>
    NoFailure,
}

/// <summary>
/// One parsed sshd line. <see cref="UserHash"/> identifies the user name without allocating it (0 = none);
/// <see cref="Forget"/> ends the sshd session's state; <see cref="Gained"/> marks a successful login;
/// <see cref="Opens"/> marks a line sshd logs only as the first of a connection (so it never continues an earlier one);
/// <see cref="AfterLogin"/> marks a line that only follows a successful login (an accepted login, a disconnect
/// after the session), so it never belongs to a connection that is still waiting for its address.
/// </summary>
public readonly record struct SshdRecord(
    SshdVerdict Verdict,
    IPAddress? Address,
    int Pid,
    int UserHash,
    bool Forget = false,
    bool Gained = false,
    bool Opens = false,
    bool AfterLogin = false);
