namespace Watchdog.Ami;

/// <summary>How Asterisk answered an action.</summary>
public enum AmiResponseStatus
{
    /// <summary><c>Response: Success</c>.</summary>
    Success,
    /// <summary><c>Response: Error</c>.</summary>
    Error,
    /// <summary><c>Response: Goodbye</c> (to <c>Logoff</c>).</summary>
    Goodbye,
    /// <summary><c>Response: Follows</c> (old-style <c>Command</c> output).</summary>
    Follows,
    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>
/// The complete answer to an action: the response message and, for an event-list action
/// (<c>EventList: start</c>), every list event up to and including the <c>…Complete</c> one.
/// </summary>
public sealed class AmiResponse
{
    internal AmiResponse(string action, AmiMessage message, IReadOnlyList<AmiMessage>? events = null, AmiMessage? listComplete = null)
    {
        Action = action;
        Message = message;
        Events = events ?? [];
        ListComplete = listComplete;
        Status = message["Response"] switch
        {
            { } s when s.Equals("Success", StringComparison.OrdinalIgnoreCase) => AmiResponseStatus.Success,
            { } s when s.Equals("Error", StringComparison.OrdinalIgnoreCase) => AmiResponseStatus.Error,
            { } s when s.Equals("Goodbye", StringComparison.OrdinalIgnoreCase) => AmiResponseStatus.Goodbye,
            { } s when s.Equals("Follows", StringComparison.OrdinalIgnoreCase) => AmiResponseStatus.Follows,
            _ => AmiResponseStatus.Other,
        };
    }

    /// <summary>The action this answers.</summary>
    public string Action { get; }

    /// <summary>The response message.</summary>
    public AmiMessage Message { get; }

    /// <summary>Success, Error, …</summary>
    public AmiResponseStatus Status { get; }

    /// <summary>Whether Asterisk accepted the action.</summary>
    public bool IsSuccess => Status is AmiResponseStatus.Success or AmiResponseStatus.Follows or AmiResponseStatus.Goodbye;

    /// <summary>The <c>Message</c> header.</summary>
    public string? Text => Message["Message"];

    /// <summary>The list's events (not including the completion event), in order; empty for other actions.</summary>
    public IReadOnlyList<AmiMessage> Events { get; }

    /// <summary>The <c>EventList: Complete</c> event, for event-list actions.</summary>
    public AmiMessage? ListComplete { get; }

    /// <summary>Command output: the <c>Output</c> lines (modern) or the raw lines of a <c>Follows</c> reply.</summary>
    public IReadOnlyList<string> Output => Message.GetValues("Output");

    /// <summary>Throws <see cref="AmiActionFailedException"/> unless the action succeeded.</summary>
    public AmiResponse EnsureSuccess() => IsSuccess ? this : throw new AmiActionFailedException(Action, Text);
}
