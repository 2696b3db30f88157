namespace Watchdog.Agent.Alerting;

/// <summary>One rendered message: a group of alerts in the configured language.</summary>
/// <param name="Title">One line: e-mail subject, first line of a chat message.</param>
/// <param name="Text">Plain-text body (without the title).</param>
/// <param name="Html">The same body in Telegram's HTML subset, already escaped (without the title).</param>
/// <param name="Alerts">The alerts it tells about, in arrival order.</param>
public sealed record Notification(string Title, string Text, string Html, IReadOnlyList<Alert> Alerts);

/// <summary>A channel that delivers notifications to people (Telegram chat, e-mail, …).</summary>
public interface INotifier
{
    /// <summary>Stable, non-secret name for logs: "telegram:-100123", "email".</summary>
    string Name { get; }

    /// <summary>
    /// Delivers one notification, or throws. Throw <see cref="NotificationException"/> with a message
    /// that holds no secret; <see cref="AlertDispatcher"/> retries with back-off.
    /// </summary>
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}

/// <summary>A channel refused or failed a delivery. The message never holds a secret.</summary>
public sealed class NotificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NotificationException(string message, TimeSpan? retryAfter = null)
        : base(message) => RetryAfter = retryAfter;

    /// <summary>How long the server asked us to wait (Telegram 429 retry_after), if it did.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>Removes secrets from text that came from a transport (exception messages).</summary>
internal static class Redaction
{
    public const string Mask = "***";

    public static string Redact(string text, params ReadOnlySpan<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
