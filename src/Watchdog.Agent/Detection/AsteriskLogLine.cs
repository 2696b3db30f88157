using System.Globalization;
using System.Text.RegularExpressions;

namespace Watchdog.Agent.Detection;

/// <summary>Why Asterisk says an outbound registration failed (AMI's <c>Registry</c> event never says).</summary>
public enum RegistrationFailureReason
{
    /// <summary><c>403 Forbidden</c>: wrong credentials, or the provider blocked us.</summary>
    Forbidden,
    /// <summary>Another final error response (401 with <c>auth_rejection_permanent</c>, 404, …).</summary>
    FatalResponse,
    /// <summary>A temporary error response (5xx, 408, 401 when not permanent).</summary>
    TemporalResponse,
    /// <summary>The registrar did not answer at all.</summary>
    NoResponse,
    /// <summary>Asterisk gave up after <c>max_retries</c>.</summary>
    MaxRetries,
}

/// <summary>Something the agent acts on, read from one line of Asterisk's <c>messages</c> log.</summary>
public abstract record AsteriskLogEvent(DateTime? LoggedAt);

/// <summary>
/// An outbound registration attempt failed. <see cref="Permanent"/> means Asterisk stopped trying
/// (<c>stopping outbound registration</c> / <c>Maximum retries reached</c>): it never comes back alone.
/// </summary>
public sealed record RegistrationFailureLogged(
    DateTime? LoggedAt, string ServerUri, string ClientUri, RegistrationFailureReason Reason, int? SipCode, bool Permanent)
    : AsteriskLogEvent(LoggedAt)
{
    /// <summary>A short cause for status, metrics labels and alerts: <c>403</c>, <c>timeout</c>, <c>max_retries</c>, <c>401</c>, <c>fatal</c>.</summary>
    public string Cause => Reason switch
    {
        RegistrationFailureReason.Forbidden => "403",
        RegistrationFailureReason.NoResponse => "timeout",
        RegistrationFailureReason.MaxRetries => "max_retries",
        _ => SipCode?.ToString(CultureInfo.InvariantCulture) ?? "fatal",
    };
}

/// <summary>Asterisk hung up a channel for lack of RTP (<c>rtp_timeout</c>).</summary>
public sealed record RtpTimeoutLogged(DateTime? LoggedAt, string Channel, string Endpoint, int Seconds) : AsteriskLogEvent(LoggedAt);

/// <summary>
/// Reads the lines of Asterisk's <c>messages</c>/<c>full</c> log that matter to the agent. A message is
/// matched only from its start (after <c>[time] LEVEL[tid] file.c: </c>), never anywhere in the line:
/// peers control parts of other lines (a SIP <c>From</c> in "No matching endpoint found"), and must not
/// be able to forge a registration failure or an RTP timeout.
/// </summary>
public static partial class AsteriskLogLine
{
    /// <summary>Parses one line; null when it is not one the agent acts on.</summary>
    public static AsteriskLogEvent? Parse(string line)
    {
        line = line.TrimStart('\uFEFF');
        if (line.Length == 0 || line[0] != '[' || line.Length > 4096)
        {
            return null;
        }
        var header = Header().Match(line);
        if (!header.Success)
        {
            return null;
        }
        var at = ParseTime(header.Groups["ts"].Value);
        var message = line.AsSpan(header.Length).ToString();

        if (Rtp().Match(message) is { Success: true } rtp)
        {
            var channel = rtp.Groups["ch"].Value;
            return new RtpTimeoutLogged(at, channel, State.ChannelState.EndpointOf(channel), int.Parse(rtp.Groups["s"].Value, CultureInfo.InvariantCulture));
        }
        if (!header.Groups["src"].Value.Contains("outbound_registration", StringComparison.Ordinal))
        {
            return null;
        }
        if (Forbidden().Match(message) is { Success: true } f)
            return Failure(at, f, RegistrationFailureReason.Forbidden, 403, permanent: false);
        if (FatalRetrying().Match(message) is { Success: true } fr)
            return Failure(at, fr, RegistrationFailureReason.FatalResponse, Code(fr), permanent: false);
        if (FatalStopping().Match(message) is { Success: true } fs)
            return Failure(at, fs, Code(fs) == 403 ? RegistrationFailureReason.Forbidden : RegistrationFailureReason.FatalResponse, Code(fs), permanent: true);
        if (FatalNoCode().Match(message) is { Success: true } fn)
            return new RegistrationFailureLogged(at, "", fn.Groups["client"].Value, RegistrationFailureReason.FatalResponse, null, Permanent: true);
        if (MaxRetries().Match(message) is { Success: true } mr)
            return Failure(at, mr, RegistrationFailureReason.MaxRetries, null, permanent: true);
        if (NoResponse().Match(message) is { Success: true } nr)
            return Failure(at, nr, RegistrationFailureReason.NoResponse, null, permanent: false);
        if (Temporal().Match(message) is { Success: true } t)
            return Failure(at, t, RegistrationFailureReason.TemporalResponse, Code(t), permanent: false);
        return null;
    }

    private static RegistrationFailureLogged Failure(DateTime? at, Match m, RegistrationFailureReason reason, int? code, bool permanent) =>
        new(at, m.Groups["server"].Value, m.Groups["client"].Value, reason, code, permanent);

    private static int? Code(Match m) =>
        int.TryParse(m.Groups["code"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null;

    private static DateTime? ParseTime(string text) =>
        DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss", "MMM d HH:mm:ss", "MMM dd HH:mm:ss"],
            CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var t) ? t : null;

    // [2026-11-26 08:02:08.999] NOTICE[12000] res_pjsip_sdp_rtp.c: …
    // [2026-11-26 08:02:08.999] NOTICE[12000][C-00000001] res_pjsip_sdp_rtp.c:2066 rtp_check_timeout: …
    [GeneratedRegex(@"^\[(?<ts>[^\]]{1,40})\]\s+(?<level>[A-Z]+)\[\d+\](?:\[[^\]]{0,40}\])?:?\s+(?<src>[\w./-]{1,80}\.c)(?::\d+\s+\w+)?:\s", RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    [GeneratedRegex(@"^Disconnecting channel '(?<ch>[^']+)' for lack of (?:\w+ )?RTP activity in (?<s>\d+) seconds", RegexOptions.CultureInvariant)]
    private static partial Regex Rtp();

    [GeneratedRegex(@"^403 Forbidden fatal response received from '(?<server>[^']*)' on registration attempt to '(?<client>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex Forbidden();

    [GeneratedRegex(@"^'(?<code>\d{3})' fatal response received from '(?<server>[^']*)' on registration attempt to '(?<client>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex FatalRetrying();

    [GeneratedRegex(@"^Fatal response '(?<code>\d{3})' received from '(?<server>[^']*)' on registration attempt to '(?<client>[^']*)', stopping outbound registration", RegexOptions.CultureInvariant)]
    private static partial Regex FatalStopping();

    [GeneratedRegex(@"^Fatal registration attempt to '(?<client>[^']*)', stopping outbound registration", RegexOptions.CultureInvariant)]
    private static partial Regex FatalNoCode();

    [GeneratedRegex(@"^Maximum retries reached when attempting outbound registration to '(?<server>[^']*)' with client '(?<client>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex MaxRetries();

    [GeneratedRegex(@"^No response received from '(?<server>[^']*)' on registration attempt to '(?<client>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex NoResponse();

    [GeneratedRegex(@"^Temporal response '(?<code>\d{3})' received from '(?<server>[^']*)' on registration attempt to '(?<client>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex Temporal();
}
