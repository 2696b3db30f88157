using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Watchdog.Agent.Alerting;

/// <summary>
/// Posts notifications to one Telegram chat through the Bot API (POST {base}/bot{token}/sendMessage).
/// One instance per chat, so a chat that fails is retried without repeating the message elsewhere.
/// </summary>
public sealed class TelegramNotifier : INotifier
{
    private readonly TelegramBotClient _bot;
    private readonly ChatId _chat;
    private readonly TelegramFormat _format;
    private readonly string _token;

    /// <summary>Creates the notifier. <paramref name="httpClient"/> belongs to the caller; its handlers must not log request URLs.</summary>
    public TelegramNotifier(TelegramOptions options, string chatId, HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(chatId);
        _token = options.BotToken;
        _format = options.Format;
        _chat = long.TryParse(chatId, out var id) ? new ChatId(id) : new ChatId(chatId);
        Name = $"telegram:{chatId}";
        try
        {
            // Our own back-off retries 429s on the injected clock; the library's retry would sleep on the real one.
            var botOptions = new TelegramBotClientOptions(_token, options.ApiBaseUrl) { RetryCount = 0 };
            _bot = new TelegramBotClient(botOptions, httpClient);
        }
        catch (ArgumentException)
        {
            // The library's message may quote the token.
            throw new ArgumentException("The Telegram bot token or API base URL is malformed.", nameof(options));
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var (text, parseMode) = _format == TelegramFormat.Html
            ? ($"<b>{NotificationRenderer.EscapeHtml(notification.Title)}</b>\n\n{notification.Html}", ParseMode.Html)
            : ($"{notification.Title}\n\n{notification.Text}", ParseMode.None);
        try
        {
            await _bot.SendMessage(_chat, text, parseMode, cancellationToken: cancellationToken);
        }
        catch (ApiRequestException ex)
        {
            var retryAfter = ex.Parameters?.RetryAfter is int seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            throw new NotificationException(
                $"Telegram refused sendMessage with {ex.ErrorCode}: {Redaction.Redact(ex.Message, _token)}", retryAfter);
        }
        catch (RequestException ex)
        {
            var cause = ex.InnerException is { } inner ? $" ({inner.GetType().Name}: {Redaction.Redact(inner.Message, _token)})" : "";
            throw new NotificationException($"Telegram request failed: {Redaction.Redact(ex.Message, _token)}{cause}");
        }
    }
}
