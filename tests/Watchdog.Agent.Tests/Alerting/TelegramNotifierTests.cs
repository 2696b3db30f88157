using Watchdog.Agent.Alerting;
using static Watchdog.Agent.Tests.Alerting.TestSupport;

namespace Watchdog.Agent.Tests.Alerting;

public sealed class TelegramNotifierTests : IAsyncLifetime
{
    private const string Token = "123456:AAH-secret_token";
    private FakeBotApi _api = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync(Deadline());

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private TelegramNotifier Notifier(string chat, TelegramFormat format = TelegramFormat.Html) =>
        new(new TelegramOptions { Enabled = true, BotToken = Token, ChatIds = [chat], ApiBaseUrl = _api.BaseUrl, Format = format }, chat, _http);

    private static Notification Message(string subject = "provider-a") =>
        new NotificationRenderer("en").Render([Lost(subject, Start)]);

    [Fact(Timeout = 20_000)]
    public async Task Sends_one_sendMessage_with_token_in_path_chat_id_html_text_and_parse_mode()
    {
        var ct = Deadline();

        await Notifier("-1001234567890").SendAsync(Message("<trunk&1>"), ct);

        var request = await _api.NextRequestAsync(ct);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/bot{Token}/sendMessage", request.Path);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("-1001234567890", request.Field("chat_id"));
        // Telegram.Bot writes "Html"; the Bot API matches parse_mode without regard to case.
        Assert.Equal("HTML", request.Field("parse_mode"), ignoreCase: true);
        Assert.StartsWith("<b>Trunk registration lost: &lt;trunk&amp;1&gt;</b>\n\n🔴 <b>", request.Field("text"), StringComparison.Ordinal);
        Assert.False(_api.TryTakeRequest(out _));
    }

    [Fact(Timeout = 20_000)]
    public async Task Plain_format_sends_unescaped_text_without_parse_mode()
    {
        var ct = Deadline();

        await Notifier("@pbx_alerts", TelegramFormat.Plain).SendAsync(Message("<trunk&1>"), ct);

        var request = await _api.NextRequestAsync(ct);
        Assert.Equal("@pbx_alerts", request.Field("chat_id"));
        Assert.Null(request.Field("parse_mode"));
        Assert.StartsWith("Trunk registration lost: <trunk&1>\n\n🔴 Trunk", request.Field("text"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Api_error_becomes_a_notification_exception_with_retry_after_and_no_token()
    {
        var ct = Deadline();
        _api.ReplyError(429, "Too Many Requests: retry after 7", retryAfter: 7);

        var error = await Assert.ThrowsAsync<NotificationException>(() => Notifier("42").SendAsync(Message(), ct));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.ToString(), StringComparison.Ordinal);
        Assert.Single(new[] { await _api.NextRequestAsync(ct) });
        Assert.False(_api.TryTakeRequest(out _), "the library must not retry on its own clock");
    }

    [Fact(Timeout = 20_000)]
    public async Task Unreachable_api_becomes_a_notification_exception_without_the_token()
    {
        var ct = Deadline();
        var closedPort = _api.BaseUrl;
        await _api.DisposeAsync();
        _api = await FakeBotApi.StartAsync(ct);
        var notifier = new TelegramNotifier(new TelegramOptions { BotToken = Token, ApiBaseUrl = closedPort }, "42", _http);

        var error = await Assert.ThrowsAsync<NotificationException>(() => notifier.SendAsync(Message(), ct));

        Assert.DoesNotContain("secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Server_errors_then_success_deliver_once_after_backoff_through_the_dispatcher()
    {
        var ct = Deadline();
        var logs = new CapturingLoggerProvider();
        var time = Clock();
        _api.ReplyError(500, "Internal Server Error");
        _api.ReplyError(429, "Too Many Requests: retry after 1", retryAfter: 1);
        var dispatcher = Dispatcher(Options(), time, logs, Notifier("42"));
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("provider-a", Start));
        await logs.WaitForEventAsync(6001, 1, ct);
        time.Advance(TimeSpan.FromSeconds(10));
        await logs.WaitForEventAsync(6005, 1, ct);
        time.Advance(TimeSpan.FromSeconds(2));
        await logs.WaitForEventAsync(6005, 2, ct);
        time.Advance(TimeSpan.FromSeconds(4));
        await logs.WaitForEventAsync(6004, 1, ct);
        await dispatcher.StopAsync(ct);

        var requests = new[] { await _api.NextRequestAsync(ct), await _api.NextRequestAsync(ct), await _api.NextRequestAsync(ct) };
        Assert.All(requests, r => Assert.Equal($"/bot{Token}/sendMessage", r.Path));
        Assert.Single(requests.Select(r => r.Field("text")).Distinct());
        Assert.False(_api.TryTakeRequest(out _));
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("secret", StringComparison.Ordinal));
    }
}
