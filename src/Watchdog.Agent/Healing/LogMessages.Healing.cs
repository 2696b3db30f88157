using Microsoft.Extensions.Logging;

namespace Watchdog.Agent;

/// <summary>Log events of self-healing (ids 4000–4099). Audit events carry Action, Reason, Target, Outcome.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Remediation {Action} for {Target} ({Reason}): {Outcome}")]
    public static partial void Remediation(ILogger logger, string action, string reason, string target, string outcome);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Dry run: would send AMI {AmiAction}: {Details}")]
    public static partial void AmiActionDryRun(ILogger logger, string amiAction, string details);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "AMI {AmiAction} answered {Status}: {ServerMessage}")]
    public static partial void AmiActionDone(ILogger logger, string amiAction, string status, string? serverMessage);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "AMI {AmiAction} failed: {Error}")]
    public static partial void AmiActionFailed(ILogger logger, string amiAction, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Dry run: would run {Command}")]
    public static partial void ServiceDryRun(ILogger logger, string command);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Remediation cap reached: {Count} actions in the last hour (cap {Cap}); healing paused, alerting only")]
    public static partial void CapReached(ILogger logger, int count, int cap);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Remediation cap cleared; healing resumes")]
    public static partial void CapCleared(ILogger logger);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Registration {Target} is back ({Reason}): healed by {Action}, {Seconds} s after it")]
    public static partial void RegistrationRecovered(ILogger logger, string target, string reason, string action, double seconds);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Registration {Target} is back ({Reason}) {Seconds} s after the last action ({Action} at {ActedAt:o}); the cause cleared outside the agent")]
    public static partial void RegistrationBackOutsideAgent(ILogger logger, string target, string reason, string action, double seconds, DateTimeOffset actedAt);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Error, Message = "Asterisk's unit is {State}")]
    public static partial void AsteriskServiceDown(ILogger logger, string state);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "AMI is silent but 'asterisk -rx' answers: not restarting Asterisk for an AMI-only fault")]
    public static partial void ConsoleAnswers(ILogger logger);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "{Action} did not heal {Target} within its wait (cause {Cause})")]
    public static partial void ActionDidNotHeal(ILogger logger, string action, string target, string cause);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Registration {Target} failed: {Cause} (permanent: {Permanent})")]
    public static partial void RegistrationFailureSeen(ILogger logger, string target, string cause, bool permanent);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Restart of Asterisk waits for {ActiveChannels} active channels to end (deadline {Deadline:o})")]
    public static partial void RestartWaitsForCalls(ILogger logger, int activeChannels, DateTimeOffset deadline);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "RTP timeouts on {Target}: {Count} in {WindowSeconds} s")]
    public static partial void RtpTimeoutSpike(ILogger logger, string target, int count, double windowSeconds);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "Asterisk looks hung: AMI unusable for {Seconds} s while the service is up")]
    public static partial void AsteriskHung(ILogger logger, double seconds);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Healing of {Target} stops: nothing more the agent may do for cause {Cause} ({Class}); check {Check}")]
    public static partial void LadderExhausted(ILogger logger, string target, string cause, Healing.FailureClass @class, string check);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "Registration {Target}: its server {Server} does not resolve; DNS, not Asterisk, is to check")]
    public static partial void ServerDoesNotResolve(ILogger logger, string target, string server);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Error, Message = "Asterisk's PJSIP stack does not answer AMI (its PJSIP actions time out) while AMI itself does")]
    public static partial void PjsipNotAnswering(ILogger logger);
}
