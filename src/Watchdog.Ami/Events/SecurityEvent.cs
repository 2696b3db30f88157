namespace Watchdog.Ami.Events;

/// <summary>
/// An Asterisk security event (class <c>security</c>): <c>InvalidAccountID</c>,
/// <c>ChallengeResponseFailed</c>, <c>InvalidPassword</c>, <c>FailedACL</c>, <c>ChallengeSent</c>,
/// <c>SuccessfulAuth</c>, <c>RequestBadFormat</c>, … Whether one is an attack is decided downstream.
/// </summary>
public sealed record SecurityEvent(string EventName, string Service, string AccountId, string RemoteAddress, string Severity, string? EventTv)
{
    private static readonly string[] Names =
    [
        "InvalidAccountID", "ChallengeResponseFailed", "InvalidPassword", "FailedACL", "ChallengeSent",
        "SuccessfulAuth", "RequestBadFormat", "RequestNotAllowed", "AuthMethodNotAllowed", "RequestNotSupported",
        "UnexpectedAddress", "InvalidTransport", "LoadAverageLimit", "MemoryLimit", "SessionLimit", "SessionTimeout",
    ];

    /// <summary>Reads a security event; null for any other message.</summary>
    public static SecurityEvent? From(AmiMessage m)
    {
        if (m.Kind != AmiMessageKind.Event || !IsSecurity(m))
        {
            return null;
        }
        return new(m.EventName, m["Service"] ?? "", m["AccountID"] ?? "", m["RemoteAddress"] ?? "", m["Severity"] ?? "", m["EventTV"]);
    }

    private static bool IsSecurity(AmiMessage m)
    {
        if (m.TryGetValue("Privilege"u8, out var privilege) && privilege.StartsWith("security"u8))
        {
            return true;
        }
        return Array.IndexOf(Names, m.EventName) >= 0;
    }
}
