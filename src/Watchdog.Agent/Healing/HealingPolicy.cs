using Watchdog.Agent.Actuators;
namespace Watchdog.Agent.Healing;

/// <summary>The family of a registration failure, which decides what healing may do about it.</summary>
public enum FailureClass
{
    /// <summary>The provider refuses us: 401, 403, 407, a fatal response, <c>auth_rejection_permanent</c>. Only the operator can fix it.</summary>
    Credentials,
    /// <summary>No answer, a timeout, a transport error or a temporary 5xx/408: the network, DNS, the provider, or (rarely) Asterisk.</summary>
    Timeout,
    /// <summary>Nothing in the log says why (or a code we do not classify).</summary>
    Unknown,
}

/// <summary>What the agent could find out about the PBX when a step is due (every field is evidence, not a guess).</summary>
/// <param name="ConfigNewerThanReload">pjsip.conf (or a file it includes) changed after Asterisk's last reload; null when unknown.</param>
/// <param name="OtherRegistrationsDown">Other outbound registrations down at the same time.</param>
/// <param name="OtherRegistrationsUp">Other outbound registrations registered.</param>
/// <param name="QualifiedContactsReachable">Qualified contacts (other peers) that answer OPTIONS.</param>
/// <param name="QualifiedContactsUnreachable">Qualified contacts that do not.</param>
/// <param name="ServerResolves">The failing registration's server URI host resolves through the system resolver
/// (<see cref="IServerNameResolver"/>); null when it is an address or was not checked (credentials causes, within the grace).</param>
/// <param name="PjsipAnswering">Asterisk's PJSIP stack answers AMI (<see cref="State.IPjsipProbe"/>); false when its PJSIP
/// actions time out while AMI itself stays logged in.</param>
public sealed record PbxEvidence(
    bool? ConfigNewerThanReload = null,
    int OtherRegistrationsDown = 0,
    int OtherRegistrationsUp = 0,
    int QualifiedContactsReachable = 0,
    int QualifiedContactsUnreachable = 0,
    bool? ServerResolves = null,
    bool PjsipAnswering = true)
{
    /// <summary>
    /// True only when the evidence points at Asterisk itself: its PJSIP stack does not answer, or several
    /// registrations are down together, or every qualified peer stopped answering as well (so the
    /// transport, not one provider, is failing). One provider down alone is never Asterisk's fault.
    /// </summary>
    public bool PointsAtAsterisk =>
        ServerResolves != false
        && (!PjsipAnswering
            || (OtherRegistrationsDown > 0 && OtherRegistrationsUp == 0)
            || (QualifiedContactsUnreachable > 0 && QualifiedContactsReachable == 0));
}

/// <summary>The policy's answer: the next action (null: none), and what the operator should check.</summary>
/// <param name="Action">A <see cref="HealingLabels"/> action, or null when nothing the agent can do may help.</param>
/// <param name="Check">The key of the hint for the operator (see <see cref="HealingPolicy"/> check keys).</param>
public sealed record PolicyDecision(string? Action, string Check);

/// <summary>
/// The healing policy for a lost outbound registration: one pure function over the failure's class, the
/// actions already taken in this outage, and the evidence. The README's "Healing policy" table is this
/// function; timing (grace, waits, cooldowns, the hourly cap) is the ladder's job.
/// </summary>
public static class HealingPolicy
{
    /// <summary>Check the credentials and domain in pjsip.conf.</summary>
    public const string CheckCredentials = "credentials";
    /// <summary>Check DNS of the server URI.</summary>
    public const string CheckDns = "dns";
    /// <summary>Check the network and the provider.</summary>
    public const string CheckNetwork = "network";
    /// <summary>Asterisk itself looks at fault.</summary>
    public const string CheckAsterisk = "asterisk";

    /// <summary>Classifies a cause as read from Asterisk's log (<c>403</c>, <c>timeout</c>, <c>max_retries</c>, a SIP code, <c>fatal</c>).</summary>
    public static FailureClass Classify(string? cause) => cause switch
    {
        null or "" => FailureClass.Unknown,
        "401" or "403" or "407" or "fatal" => FailureClass.Credentials,
        "timeout" or "max_retries" or "408" => FailureClass.Timeout,
        _ when cause.Length == 3 && cause[0] == '5' && char.IsAsciiDigit(cause[1]) && char.IsAsciiDigit(cause[2]) => FailureClass.Timeout,
        _ => FailureClass.Unknown,
    };

    /// <summary>The next step for a registration down for <paramref name="cause"/>, given what was already done in this outage.</summary>
    public static PolicyDecision Decide(FailureClass cause, IReadOnlyCollection<string> done, PbxEvidence evidence)
    {
        var reregistered = done.Contains(HealingLabels.Reregister);
        var reloaded = done.Contains(HealingLabels.ReloadPjsip);
        var restarted = done.Contains(HealingLabels.RestartAsterisk);
        switch (cause)
        {
            case FailureClass.Credentials:
                // The provider refuses the credentials: a restart cannot change its mind. Re-register once (a blip),
                // reload only when the operator fixed the file and did not reload.
                if (!reregistered) return new(HealingLabels.Reregister, CheckCredentials);
                if (!reloaded && evidence.ConfigNewerThanReload == true) return new(HealingLabels.ReloadPjsip, CheckCredentials);
                return new(null, CheckCredentials);

            case FailureClass.Timeout:
                if (!reregistered) return new(HealingLabels.Reregister, TimeoutCheck(evidence));
                if (!reloaded && evidence.ConfigNewerThanReload == true) return new(HealingLabels.ReloadPjsip, TimeoutCheck(evidence));
                if (!restarted && evidence.PointsAtAsterisk) return new(HealingLabels.RestartAsterisk, CheckAsterisk);
                return new(null, TimeoutCheck(evidence));

            default:
                if (!reregistered) return new(HealingLabels.Reregister, CheckNetwork);
                if (!reloaded) return new(HealingLabels.ReloadPjsip, CheckNetwork);
                if (!restarted && evidence.PointsAtAsterisk) return new(HealingLabels.RestartAsterisk, CheckAsterisk);
                return new(null, evidence.ServerResolves == false ? CheckDns : CheckNetwork);
        }
    }

    private static string TimeoutCheck(PbxEvidence e) =>
        e.ServerResolves == false ? CheckDns : e.PointsAtAsterisk ? CheckAsterisk : CheckNetwork;
}
