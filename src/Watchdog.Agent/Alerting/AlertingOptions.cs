using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Watchdog.Agent.Alerting;

/// <summary>
/// Configuration of the alert pipeline (section "Alerting"). Plain classes, not records: a record's
/// generated ToString would print the bot token and the SMTP password.
/// </summary>
public sealed class AlertingOptions
{
    /// <summary>Language of message texts: "ru" or "en".</summary>
    public string Language { get; set; } = "en";

    /// <summary>Optional name of this PBX, put in front of every title ("[pbx1] …").</summary>
    public string? InstanceName { get; set; }

    /// <summary>How long the first alert of a burst waits for others to join its message.</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Repeats with the same key inside this window are dropped.</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Alerts waiting to be grouped; beyond this the oldest are dropped (producers never block).</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Messages waiting per channel; beyond this the oldest are dropped.</summary>
    public int ChannelQueueCapacity { get; set; } = 64;

    /// <summary>Longest one send attempt may take.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retry of a failing channel.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Telegram channel; off unless <see cref="TelegramOptions.Enabled"/>.</summary>
    public TelegramOptions Telegram { get; set; } = new();

    /// <summary>E-mail channel; off unless <see cref="EmailOptions.Enabled"/>.</summary>
    public EmailOptions Email { get; set; } = new();

    /// <summary>Prometheus Alertmanager channel; off unless <see cref="AlertmanagerOptions.Enabled"/>.</summary>
    public AlertmanagerOptions Alertmanager { get; set; } = new();

    /// <summary>Every problem with these options, in one list; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Language is not ("ru" or "en"))
        {
            problems.Add($"Alerting:Language must be \"ru\" or \"en\", not \"{Language}\".");
        }

        RequirePositive(problems, "Alerting:GroupWait", GroupWait, allowZero: true);
        RequirePositive(problems, "Alerting:DedupWindow", DedupWindow, allowZero: true);
        RequirePositive(problems, "Alerting:SendTimeout", SendTimeout, allowZero: false);
        if (QueueCapacity < 1)
        {
            problems.Add("Alerting:QueueCapacity must be at least 1.");
        }

        if (ChannelQueueCapacity < 1)
        {
            problems.Add("Alerting:ChannelQueueCapacity must be at least 1.");
        }

        Retry.Validate(problems);
        Telegram.Validate(problems);
        Email.Validate(problems);
        Alertmanager.Validate(problems);
        return problems;
    }

    internal static void RequirePositive(List<string> problems, string name, TimeSpan value, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            problems.Add($"{name} must be {(allowZero ? "zero or positive" : "positive")}, not {value}.");
        }
    }
}

/// <summary>Exponential back-off of a failing channel.</summary>
public sealed class RetryOptions
{
    /// <summary>Attempts per message, the first included.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry; doubles after each failure.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between attempts (a server's retry-after may ask for more).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    internal void Validate(List<string> problems)
    {
        if (MaxAttempts is < 1 or > 100)
        {
            problems.Add("Alerting:Retry:MaxAttempts must be between 1 and 100.");
        }

        AlertingOptions.RequirePositive(problems, "Alerting:Retry:InitialDelay", InitialDelay, allowZero: false);
        if (MaxDelay < InitialDelay)
        {
            problems.Add("Alerting:Retry:MaxDelay must not be shorter than Alerting:Retry:InitialDelay.");
        }
    }
}

/// <summary>How Telegram messages are marked up.</summary>
public enum TelegramFormat
{
    /// <summary>parse_mode=HTML with escaped text.</summary>
    Html = 0,
    /// <summary>No parse_mode; plain text.</summary>
    Plain = 1,
}

/// <summary>Telegram Bot API channel.</summary>
public sealed partial class TelegramOptions
{
    /// <summary>Turns the channel on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Bot token from BotFather ("123456:ABC…"). A secret: never logged.</summary>
    public string BotToken { get; set; } = "";

    /// <summary>Chats to post to: numeric ids ("-100123…") or "@channelname".</summary>
    public List<string> ChatIds { get; set; } = [];

    /// <summary>Bot API server (scheme, host and port only), e.g. a local bot API server; null for api.telegram.org.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>HTML (default) or plain text.</summary>
    public TelegramFormat Format { get; set; } = TelegramFormat.Html;

    internal void Validate(List<string> problems)
    {
        if (!Enabled)
        {
            return;
        }

        // The token is never echoed: a misconfigured one is still mostly secret.
        if (string.IsNullOrWhiteSpace(BotToken))
        {
            problems.Add("Alerting:Telegram:BotToken is required when Telegram is enabled.");
        }
        else if (!TokenShape().IsMatch(BotToken))
        {
            problems.Add("Alerting:Telegram:BotToken does not look like a bot token (digits, a colon, then letters, digits, '-' or '_').");
        }

        if (ChatIds.Count == 0)
        {
            problems.Add("Alerting:Telegram:ChatIds needs at least one chat.");
        }

        foreach (var chat in ChatIds)
        {
            if (!long.TryParse(chat, out _) && !(chat.Length > 1 && chat[0] == '@'))
            {
                problems.Add($"Alerting:Telegram:ChatIds: \"{chat}\" is neither a numeric chat id nor an @username.");
            }
        }

        if (ApiBaseUrl is not null
            && (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            problems.Add($"Alerting:Telegram:ApiBaseUrl must be an absolute http(s) URL, not \"{ApiBaseUrl}\".");
        }
    }

    [GeneratedRegex(@"^[0-9]+:[A-Za-z0-9_-]+$")]
    private static partial Regex TokenShape();
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Upgrade with STARTTLS; fail if the server does not offer it (port 587).</summary>
    StartTls = 0,
    /// <summary>TLS from the first byte (port 465).</summary>
    ImplicitTls = 1,
    /// <summary>No TLS at all; only for a relay on the same host or network.</summary>
    None = 2,
}

/// <summary>E-mail channel over SMTP.</summary>
public sealed class EmailOptions
{
    /// <summary>Turns the channel on.</summary>
    public bool Enabled { get; set; }

    /// <summary>SMTP server host name or address.</summary>
    public string Host { get; set; } = "";

    /// <summary>SMTP server port.</summary>
    public int Port { get; set; } = 587;

    /// <summary>STARTTLS, implicit TLS or none.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>User for SMTP AUTH; empty for no authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>Password for SMTP AUTH. A secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Sender address.</summary>
    public string From { get; set; } = "";

    /// <summary>Recipients; all get the same message.</summary>
    public List<string> To { get; set; } = [];

    internal void Validate(List<string> problems)
    {
        if (!Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            problems.Add("Alerting:Email:Host is required when e-mail is enabled.");
        }

        if (Port is < 1 or > 65535)
        {
            problems.Add($"Alerting:Email:Port must be between 1 and 65535, not {Port}.");
        }

        if (!string.IsNullOrEmpty(UserName) && string.IsNullOrEmpty(Password))
        {
            problems.Add("Alerting:Email:Password is required when Alerting:Email:UserName is set.");
        }

        if (!IsAddress(From))
        {
            problems.Add($"Alerting:Email:From is not an e-mail address: \"{From}\".");
        }

        if (To.Count == 0)
        {
            problems.Add("Alerting:Email:To needs at least one recipient.");
        }

        foreach (var to in To)
        {
            if (!IsAddress(to))
            {
                problems.Add($"Alerting:Email:To: \"{to}\" is not an e-mail address.");
            }
        }
    }

    // MimeKit accepts a bare local part by default; a mail server will not.
    private static bool IsAddress(string text) =>
        MimeKit.MailboxAddress.TryParse(text, out var mailbox) && !string.IsNullOrEmpty(mailbox.Domain);
}

/// <summary>Prometheus Alertmanager channel (<c>POST /api/v2/alerts</c>).</summary>
public sealed class AlertmanagerOptions
{
    /// <summary>Turns the channel on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Alertmanager base URLs (every member of an Alertmanager cluster, as Prometheus does), e.g. <c>http://127.0.0.1:9093</c>.</summary>
    public List<string> Urls { get; set; } = [];

    /// <summary>The <c>instance</c> label; defaults to <see cref="AlertingOptions.InstanceName"/>, then the host name.</summary>
    public string? Instance { get; set; }

    /// <summary>A problem not resolved by then ends in Alertmanager by itself (the agent sends each problem once).</summary>
    public TimeSpan ProblemTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an event (a ban, a remediation) shows as firing.</summary>
    public TimeSpan EventTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Labels added to every alert (e.g. <c>"site": "msk"</c>); ours win on a clash.</summary>
    public Dictionary<string, string> ExtraLabels { get; set; } = [];

    /// <summary>Optional link back to this agent (e.g. its status page behind the proxy).</summary>
    public string? GeneratorUrl { get; set; }

    internal void Validate(List<string> problems)
    {
        if (!Enabled)
        {
            return;
        }

        if (Urls.Count == 0)
        {
            problems.Add("Alerting:Alertmanager:Urls needs at least one URL (e.g. http://127.0.0.1:9093).");
        }

        foreach (var url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
            {
                problems.Add($"Alerting:Alertmanager:Urls: \"{url}\" is not an http(s) URL.");
            }
        }

        AlertingOptions.RequirePositive(problems, "Alerting:Alertmanager:ProblemTimeout", ProblemTimeout, allowZero: false);
        AlertingOptions.RequirePositive(problems, "Alerting:Alertmanager:EventTimeout", EventTimeout, allowZero: false);
        foreach (var key in ExtraLabels.Keys)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(key, "^[a-zA-Z_][a-zA-Z0-9_]*$"))
            {
                problems.Add($"Alerting:Alertmanager:ExtraLabels: \"{key}\" is not a label name.");
            }
        }
    }
}

/// <summary>Lets the host fail at start with every problem listed (ValidateOnStart).</summary>
public sealed class AlertingOptionsValidator : IValidateOptions<AlertingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AlertingOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
