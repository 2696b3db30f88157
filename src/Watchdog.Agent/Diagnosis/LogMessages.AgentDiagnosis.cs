using Microsoft.Extensions.Logging;

namespace Watchdog.Agent;

/// <summary>Log events of the agent's periodic diagnosis, trunk diagnoses and SIP evidence (ids 8500–8999).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 8500, Level = LogLevel.Information, Message = "Diagnosis check {Check} runs every {Interval}")]
    public static partial void DiagnosisCheckScheduled(ILogger logger, string check, TimeSpan interval);

    [LoggerMessage(EventId = 8510, Level = LogLevel.Warning, Message = "Request from provider address {Address} matched no endpoint (trunk {Trunk}); fix: {Fix}")]
    public static partial void UnmatchedProviderRequest(ILogger logger, string address, string trunk, string fix);

    [LoggerMessage(EventId = 8511, Level = LogLevel.Warning, Message = "RTP timeouts on trunk {Endpoint} explained by: {Causes}")]
    public static partial void NoAudioExplained(ILogger logger, string endpoint, string causes);

    [LoggerMessage(EventId = 8520, Level = LogLevel.Information, Message = "SIP evidence for {Trunk}: pjsip logger on for host {Host} for {Duration} ({Reason})")]
    public static partial void EvidenceStarted(ILogger logger, string trunk, string host, TimeSpan duration, string reason);

    [LoggerMessage(EventId = 8521, Level = LogLevel.Information, Message = "SIP evidence for {Trunk}: {Lines} lines kept of {Seen} seen")]
    public static partial void EvidenceCollected(ILogger logger, string trunk, int lines, int seen);

    [LoggerMessage(EventId = 8522, Level = LogLevel.Debug, Message = "SIP evidence for {Trunk} skipped: {Reason}")]
    public static partial void EvidenceSkipped(ILogger logger, string trunk, string reason);

    [LoggerMessage(EventId = 8523, Level = LogLevel.Warning, Message = "AMI command '{Command}' for SIP evidence failed: {Error}")]
    public static partial void EvidenceCommandFailed(ILogger logger, string command, string error);
}
