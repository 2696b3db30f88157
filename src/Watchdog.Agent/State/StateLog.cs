using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.State;

/// <summary>
/// Log lines of the PBX state tracker. Event ids 3000–3099 belong to State; property names are a
/// contract for log queries.
/// </summary>
internal static partial class StateLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "PBX resync applied: {RegistrationCount} registrations, {EndpointCount} endpoints, {ChannelCount} channels in {ElapsedMs} ms")]
    public static partial void ResyncApplied(ILogger logger, int registrationCount, int endpointCount, int channelCount, long elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "PBX resync failed ({ErrorType}: {Error}); the model keeps its last state")]
    public static partial void ResyncFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug,
        Message = "PBX resync discarded: the session ended or another resync began")]
    public static partial void ResyncDiscarded(ILogger logger);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "AMI down ({DisconnectReason}); PBX state is last-known until the next resync")]
    public static partial void AmiDown(ILogger logger, string disconnectReason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "AMI dropped {DroppedEvents} events; resynchronising")]
    public static partial void EventsDropped(ILogger logger, long droppedEvents);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug,
        Message = "PJSIPShowEndpoint {Endpoint} failed ({Error}); its contacts are unknown")]
    public static partial void EndpointDetailFailed(ILogger logger, string endpoint, string error);
}
