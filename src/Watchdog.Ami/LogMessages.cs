using Microsoft.Extensions.Logging;

namespace Watchdog.Ami;

/// <summary>Every log event of the AMI client, with stable ids and property names. No secret is a parameter.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(1001, LogLevel.Information, "AMI connecting to {AmiHost}:{AmiPort}")]
    public static partial void Connecting(ILogger logger, string amiHost, int amiPort);

    [LoggerMessage(1002, LogLevel.Information, "AMI connected: {Banner}")]
    public static partial void Connected(ILogger logger, string banner);

    [LoggerMessage(1003, LogLevel.Information, "AMI logged in as {AmiUser} ({AuthType})")]
    public static partial void LoggedIn(ILogger logger, string amiUser, string authType);

    [LoggerMessage(1004, LogLevel.Warning, "AMI disconnected: {Reason} {Detail}")]
    public static partial void Disconnected(ILogger logger, AmiDisconnectReason reason, string? detail);

    [LoggerMessage(1005, LogLevel.Information, "AMI {Endpoint}: next try in {Delay} (reconnect {Attempt})")]
    public static partial void ReconnectScheduled(ILogger logger, string endpoint, string delay, int attempt);

    [LoggerMessage(1006, LogLevel.Error, "AMI login refused for {AmiUser}: {ServerMessage}; next try in {Delay}")]
    public static partial void AuthenticationFailed(ILogger logger, string amiUser, string? serverMessage, string delay);

    /// <summary>A delay as a person reads it: "250 ms", "1.5 s", "5 min", "2 h".</summary>
    public static string Human(TimeSpan t) =>
        t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0} ms"
        : t.TotalMinutes < 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#} s")
        : t.TotalHours < 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.TotalMinutes:0.#} min")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.TotalHours:0.#} h");

    [LoggerMessage(1007, LogLevel.Warning, "AMI event queue full: {DroppedEvents} events dropped so far; state must be resynchronised")]
    public static partial void EventQueueOverflow(ILogger logger, long droppedEvents);

    [LoggerMessage(1008, LogLevel.Debug, "AMI reply for unknown ActionID {ActionId} ignored")]
    public static partial void UnmatchedResponse(ILogger logger, string actionId);

    [LoggerMessage(1009, LogLevel.Warning, "AMI server is shutting down (restart: {Restart})")]
    public static partial void ServerShutdown(ILogger logger, bool restart);

    [LoggerMessage(1010, LogLevel.Debug, "AMI message that is neither event nor response ignored ({Bytes} bytes)")]
    public static partial void UnknownMessage(ILogger logger, int bytes);

    [LoggerMessage(1011, LogLevel.Error, "AMI event handler {Handler} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string handler);

    [LoggerMessage(1012, LogLevel.Debug, "AMI action {Action} sent as {ActionId}")]
    public static partial void ActionSent(ILogger logger, string action, string actionId);
}
