using System.Globalization;
using Watchdog.Agent.State;
using Watchdog.Ami;

namespace Watchdog.Agent.Api;

/// <summary>
/// Says what an AMI outage is in one sentence with its time, e.g. "Asterisk shut down cleanly at
/// 12:03:41Z (restart: no); since then: connection refused by 127.0.0.1:5038, 5 attempts". Times are
/// UTC like every other time <c>watchdog status</c> prints; the date is added when it is not today's.
/// </summary>
public static class AmiOutageText
{
    /// <summary>The cause and, when attempts followed it, what they ran into.</summary>
    public static string Describe(AmiOutage outage, DateTimeOffset now) =>
        SinceThen(outage, now) is { } later ? $"{Cause(outage, now)}; since then: {later}" : Cause(outage, now);

    /// <summary>The outage's cause as a sentence with its time; a cause that is only a failed connect also says how often it repeated.</summary>
    public static string Cause(AmiOutage outage, DateTimeOffset now)
    {
        var f = outage.Cause;
        var at = At(f.At, now);
        var ami = f.Endpoint is { } endpoint ? $"AMI at {endpoint}" : "AMI";
        return f.Reason switch
        {
            nameof(AmiDisconnectReason.ServerShutdown) => $"Asterisk shut down{Kind(f.ShutdownKind)} at {at}"
                + (f.ShutdownRestart is { } restart ? $" (restart: {(restart ? "yes" : "no")})" : ""),
            nameof(AmiDisconnectReason.PingTimeout) => $"Asterisk stopped answering pings at {at} (looks hung)",
            nameof(AmiDisconnectReason.NoBanner) => $"{ami} accepted the connection but sent no banner at {at} (looks hung)",
            nameof(AmiDisconnectReason.RemoteClosed) => $"Asterisk closed the AMI connection at {at} without announcing a shutdown",
            nameof(AmiDisconnectReason.AuthenticationFailed) => $"Asterisk refused the login at {at}" + Detail(f.Detail),
            nameof(AmiDisconnectReason.ProtocolError) => $"{ami} does not speak AMI (at {at})" + Detail(f.Detail),
            // Only a failed connect, repeated: "refused since 12:04 (6 attempts, the last at 12:05:10Z)".
            _ when Repeats(outage) => $"{Attempt(f)} since {at} ({outage.FailedAttempts + 1} attempts, the last at {At(outage.Current.At, now)})",
            _ => $"{Attempt(f)} at {at}",
        };
    }

    /// <summary>What the attempts after the cause ran into, e.g. "connection refused by 127.0.0.1:5038, 5 attempts"; null when none followed.</summary>
    public static string? SinceThen(AmiOutage outage, DateTimeOffset now)
    {
        if (outage.Latest is not { } latest || Repeats(outage)) return null;
        var attempts = outage.FailedAttempts == 1 ? "1 attempt" : $"{outage.FailedAttempts.ToString(CultureInfo.InvariantCulture)} attempts";
        return AmiOutage.IsInformative(latest.Reason)
            ? $"{Cause(AmiOutage.Start(latest), now)}, {attempts}"
            : $"{Attempt(latest)}, {attempts}, the last at {At(latest.At, now)}";
    }

    private static bool Repeats(AmiOutage outage) =>
        outage.Latest is { } latest && !AmiOutage.IsInformative(outage.Cause.Reason) && Attempt(latest) == Attempt(outage.Cause);

    // What a failed attempt says, without a time: "connection refused by 127.0.0.1:5038".
    private static string Attempt(AmiFailure f)
    {
        var detail = f.Detail ?? "";
        return f.Reason switch
        {
            nameof(AmiDisconnectReason.ConnectFailed) when detail.Contains("ConnectionRefused", StringComparison.Ordinal) =>
                f.Endpoint is { } e ? $"connection refused by {e}" : "connection refused",
            nameof(AmiDisconnectReason.ConnectFailed) when detail.Contains("timed out", StringComparison.Ordinal) =>
                f.Endpoint is { } e ? $"TCP connect to {e} timed out" : "TCP connect timed out",
            nameof(AmiDisconnectReason.ConnectFailed) => (f.Endpoint is { } e ? $"TCP connect to {e} failed" : "TCP connect failed") + Detail(AfterColon(detail)),
            nameof(AmiDisconnectReason.LoginTimeout) => "the login got no answer in time",
            nameof(AmiDisconnectReason.SocketError) => "the AMI connection failed" + Detail(AfterColon(detail)),
            _ => f.Reason + Detail(detail),
        };
    }

    private static string Kind(string? shutdownKind) => shutdownKind switch
    {
        null => "",
        "Cleanly" => " cleanly",
        "Uncleanly" => " uncleanly",
        var other => $" ({other})",
    };

    private static string Detail(string? detail) =>
        string.IsNullOrWhiteSpace(detail) ? "" : ": " + detail.Trim().TrimEnd('.');

    // "TCP connect to h:p failed: HostUnreachable." → "HostUnreachable."; the endpoint is said already.
    private static string AfterColon(string detail)
    {
        var colon = detail.IndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? detail[(colon + 2)..] : detail;
    }

    /// <summary>HH:mm:ss'Z', with the date in front when it is not <paramref name="now"/>'s day.</summary>
    internal static string At(DateTimeOffset at, DateTimeOffset now)
    {
        var utc = at.ToUniversalTime();
        return utc.Date == now.ToUniversalTime().Date
            ? utc.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
