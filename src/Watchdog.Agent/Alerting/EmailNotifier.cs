using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Watchdog.Agent.Alerting;

/// <summary>Sends notifications as plain-text e-mail through SMTP (MailKit), one message to all recipients.</summary>
public sealed class EmailNotifier : INotifier
{
    private readonly EmailOptions _options;

    /// <summary>Creates the notifier.</summary>
    public EmailNotifier(EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string Name => "email";

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_options.From));
        foreach (var to in _options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = notification.Title;
        message.Body = new TextPart("plain") { Text = notification.Text };

        // No ProtocolLogger: it would write the AUTH exchange, password included.
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, SocketOptions(_options.Security), cancellationToken);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, _options.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is MailKit.ProtocolException or SmtpCommandException or SmtpProtocolException
                                       or AuthenticationException or SslHandshakeException or IOException
                                       or System.Net.Sockets.SocketException or MailKit.ServiceNotConnectedException
                                       or MailKit.ServiceNotAuthenticatedException)
        {
            var status = ex is SmtpCommandException command ? $" {(int)command.StatusCode}" : "";
            throw new NotificationException(
                $"SMTP {_options.Host}:{_options.Port} failed{status}: {ex.GetType().Name}: {Redaction.Redact(ex.Message, _options.Password)}");
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.ImplicitTls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, null),
    };
}
