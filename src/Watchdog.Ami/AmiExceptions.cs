namespace Watchdog.Ami;

/// <summary>Base of every error this client raises.</summary>
public class AmiException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The peer broke the protocol (not an AMI banner, an endless message, …).</summary>
public sealed class AmiProtocolException(string message) : AmiException(message);

/// <summary>Asterisk refused the login. Retrying at once will not help: the credentials must change.</summary>
public sealed class AmiAuthenticationException(string username, string? serverMessage)
    : AmiException($"AMI login refused for user '{username}': {serverMessage ?? "no reason given"}. Check the username and secret in manager.conf and in the watchdog config.")
{
    /// <summary>The user that was refused.</summary>
    public string Username { get; } = username;
}

/// <summary>An action got no complete reply within its timeout.</summary>
public sealed class AmiActionTimeoutException(string action, TimeSpan timeout)
    : AmiException($"AMI action '{action}' got no reply within {timeout.TotalSeconds:0.###} s.")
{
    /// <summary>The action's name.</summary>
    public string Action { get; } = action;
}

/// <summary>Asterisk answered an action with <c>Response: Error</c>.</summary>
public sealed class AmiActionFailedException(string action, string? serverMessage)
    : AmiException($"AMI action '{action}' failed: {serverMessage ?? "no message"}")
{
    /// <summary>The action's name.</summary>
    public string Action { get; } = action;

    /// <summary>Asterisk's <c>Message</c> header.</summary>
    public string? ServerMessage { get; } = serverMessage;
}

/// <summary>The connection ended while the action was in flight, or there is no connection.</summary>
public sealed class AmiConnectionException(AmiDisconnectReason reason, string message, Exception? inner = null)
    : AmiException(message, inner)
{
    /// <summary>Why the connection is gone.</summary>
    public AmiDisconnectReason Reason { get; } = reason;
}
