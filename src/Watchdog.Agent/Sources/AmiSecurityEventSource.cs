using Watchdog.Ami;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Sources;

/// <summary>
/// Feeds Asterisk's security events from AMI (PJSIP <c>InvalidAccountID</c>, <c>ChallengeResponseFailed</c>,
/// <c>FailedACL</c>; AMI <c>InvalidPassword</c>/<c>InvalidAccountID</c>) into the ban pipeline. Needs the
/// manager user's <c>security</c> read class; without it the security log is tailed instead.
/// </summary>
public sealed class AmiSecurityEventSource(IAuthFailureSink sink, TimeProvider time) : IAmiEventObserver
{
    /// <inheritdoc />
    public ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
    {
        // Every authenticated REGISTER/INVITE brings ChallengeSent and SuccessfulAuth: look at the name before copying any field.
        if (!AsteriskSecurityEventClassifier.IsFailureEvent(message.EventName) ||
            !message.TryGetValue("Privilege"u8, out var privilege) || !privilege.StartsWith("security"u8))
        {
            return ValueTask.CompletedTask;
        }
        var failure = AsteriskSecurityEventClassifier.Classify(message.Enumerate().ToList());
        return failure is null
            ? ValueTask.CompletedTask
            : sink.RecordFailureAsync(new AuthFailure(failure.Source, failure.Address, time.GetUtcNow(), failure.EventName), ct);
    }
}
