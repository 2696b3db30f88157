using System.Globalization;
using System.Text;

namespace Watchdog.Agent.Alerting;

/// <summary>Turns a group of alerts into one <see cref="Notification"/> in the configured language.</summary>
public sealed class NotificationRenderer
{
    /// <summary>Telegram refuses texts over 4096 characters; the body stays under this, the title included.</summary>
    public const int MaxBodyLength = 3800;

    private readonly AlertTexts _texts;
    private readonly string _prefix;

    /// <summary>Creates a renderer for "ru" or "en".</summary>
    public NotificationRenderer(string language, string? instanceName = null)
    {
        _texts = AlertTexts.For(language);
        _prefix = string.IsNullOrWhiteSpace(instanceName) ? "" : $"[{instanceName}] ";
    }

    /// <summary>Renders one message for a non-empty group of alerts.</summary>
    public Notification Render(IReadOnlyList<Alert> alerts)
    {
        ArgumentOutOfRangeException.ThrowIfZero(alerts.Count);
        var title = _prefix + (alerts.Count == 1
            ? _texts.Headline(alerts[0])
            : _texts.GroupTitle(alerts.Count, alerts.Count(a => a.Severity == AlertSeverity.Critical && !a.IsResolved)));

        return new Notification(title, Body(alerts, html: false), Body(alerts, html: true), alerts);
    }

    private string Body(IReadOnlyList<Alert> alerts, bool html)
    {
        var body = new StringBuilder();
        for (var i = 0; i < alerts.Count; i++)
        {
            var block = Block(alerts[i], html);
            if (body.Length + block.Length > MaxBodyLength)
            {
                body.Append(Escape(_texts.More(alerts.Count - i), html));
                break;
            }

            body.Append(block);
        }

        return body.ToString().TrimEnd('\n');
    }

    private string Block(Alert alert, bool html)
    {
        var block = new StringBuilder();
        var headline = Escape(_texts.Headline(alert), html);
        block.Append(Marker(alert)).Append(' ')
            .Append(html ? $"<b>{headline}</b>" : headline)
            .Append(" · ").Append(alert.OccurredAt.ToUniversalTime().ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))
            .Append('\n');
        if (alert.Details.Count > 0)
        {
            block.Append(Escape(string.Join("; ", alert.Details.Select(d => $"{d.Key}: {d.Value}")), html)).Append('\n');
        }

        if (_texts.Hint(alert) is { } hint)
        {
            var escaped = Escape(hint, html);
            block.Append("→ ").Append(html ? $"<i>{escaped}</i>" : escaped).Append('\n');
        }

        return block.Append('\n').ToString();
    }

    private static string Marker(Alert alert) => alert.IsResolved
        ? "✅"
        : alert.Severity switch
        {
            AlertSeverity.Critical => "🔴",
            AlertSeverity.Warning => "🟠",
            _ => "ℹ️",
        };

    /// <summary>Escapes text for Telegram's HTML parse mode: only &amp;, &lt; and &gt; are special there.</summary>
    internal static string EscapeHtml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Escape(string text, bool html) => html ? EscapeHtml(text) : text;
}
