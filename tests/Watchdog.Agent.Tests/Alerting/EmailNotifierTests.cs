using Watchdog.Agent.Alerting;
using static Watchdog.Agent.Tests.Alerting.TestSupport;

namespace Watchdog.Agent.Tests.Alerting;

public class EmailNotifierTests
{
    private const string Password = "s3cr3t-smtp-pass";

    private static EmailOptions Options(int port, string? user = "watchdog", string? password = Password) => new()
    {
        Enabled = true,
        Host = "127.0.0.1",
        Port = port,
        Security = SmtpSecurity.None,
        UserName = user,
        Password = password,
        From = "watchdog@pbx.test",
        To = ["ops@pbx.test", "oncall@pbx.test"],
    };

    [Fact(Timeout = 20_000)]
    public async Task Sends_one_message_to_every_recipient_with_title_as_subject_and_text_as_body()
    {
        var ct = Deadline();
        await using var sink = await SmtpSink.StartAsync("watchdog", Password, ct);
        var notification = new NotificationRenderer("ru", "pbx1").Render([Lost("provider-a", Start)]);

        await new EmailNotifier(Options(sink.Port)).SendAsync(notification, ct);

        var mail = await sink.NextAsync(ct);
        Assert.Equal(["ops@pbx.test", "oncall@pbx.test"], mail.EnvelopeRecipients);
        Assert.Equal(["ops@pbx.test", "oncall@pbx.test"], mail.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("watchdog@pbx.test", mail.Message.From.Mailboxes.Single().Address);
        Assert.Equal("[pbx1] Потеряна регистрация транка: provider-a", mail.Message.Subject);
        Assert.Equal(notification.Text, (mail.Message.TextBody ?? "").TrimEnd('\r', '\n').ReplaceLineEndings("\n"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Sends_without_authentication_when_no_user_is_configured()
    {
        var ct = Deadline();
        await using var sink = await SmtpSink.StartAsync(user: null, password: null, ct);

        await new EmailNotifier(Options(sink.Port, user: null, password: null))
            .SendAsync(new NotificationRenderer("en").Render([Lost("provider-a", Start)]), ct);

        Assert.Equal("Trunk registration lost: provider-a", (await sink.NextAsync(ct)).Message.Subject);
    }

    [Fact(Timeout = 20_000)]
    public async Task Rejected_login_becomes_a_notification_exception_without_the_password()
    {
        var ct = Deadline();
        await using var sink = await SmtpSink.StartAsync("watchdog", "another-password", ct);

        var error = await Assert.ThrowsAsync<NotificationException>(() =>
            new EmailNotifier(Options(sink.Port)).SendAsync(new NotificationRenderer("en").Render([Lost("a", Start)]), ct));

        Assert.Contains("AuthenticationException", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Refused_connection_becomes_a_notification_exception()
    {
        var ct = Deadline();
        int port;
        await using (var sink = await SmtpSink.StartAsync(null, null, ct))
        {
            port = sink.Port;
        }

        var error = await Assert.ThrowsAsync<NotificationException>(() =>
            new EmailNotifier(Options(port)).SendAsync(new NotificationRenderer("en").Render([Lost("a", Start)]), ct));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
