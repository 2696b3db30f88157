using Microsoft.Extensions.Options;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Tests.Alerting;

public class AlertingOptionsTests
{
    private const string Token = "123456:SECRET-token_value";

    [Fact]
    public void Defaults_with_no_channel_are_valid()
    {
        Assert.Empty(new AlertingOptions().Validate());
    }

    [Fact]
    public void Complete_telegram_and_email_options_are_valid()
    {
        var options = new AlertingOptions
        {
            Language = "ru",
            Telegram = { Enabled = true, BotToken = Token, ChatIds = ["-1001234567890", "@pbx_alerts"], ApiBaseUrl = "http://127.0.0.1:8081" },
            Email = { Enabled = true, Host = "smtp.example.org", Port = 465, Security = SmtpSecurity.ImplicitTls, UserName = "u", Password = "p", From = "pbx@example.org", To = ["a@example.org", "b@example.org"] },
        };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var options = new AlertingOptions
        {
            Language = "de",
            GroupWait = TimeSpan.FromSeconds(-1),
            SendTimeout = TimeSpan.Zero,
            QueueCapacity = 0,
            Retry = { MaxAttempts = 0, InitialDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(1) },
            Telegram = { Enabled = true, BotToken = "", ChatIds = ["not-a-chat"], ApiBaseUrl = "ftp://x" },
            Email = { Enabled = true, Host = "", Port = 0, UserName = "u", Password = null, From = "nobody", To = [] },
        };

        var problems = options.Validate();

        string[] expected =
        [
            "Language", "GroupWait", "SendTimeout", "QueueCapacity", "MaxAttempts", "MaxDelay",
            "BotToken", "not-a-chat", "ApiBaseUrl", "Host", "Port", "Password", "From", "To needs",
        ];
        Assert.All(expected, word => Assert.Contains(problems, p => p.Contains(word, StringComparison.Ordinal)));
        Assert.Equal(expected.Length, problems.Count);
    }

    [Fact]
    public void Malformed_bot_token_is_reported_without_echoing_it()
    {
        var options = new AlertingOptions { Telegram = { Enabled = true, BotToken = "SECRET token with spaces", ChatIds = ["1"] } };

        var problem = Assert.Single(options.Validate());

        Assert.Contains("BotToken", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_fails_with_all_problems_for_the_host()
    {
        var result = new AlertingOptionsValidator().Validate(null, new AlertingOptions { Language = "xx", QueueCapacity = 0 });

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void Options_text_never_shows_secrets()
    {
        var options = new AlertingOptions { Telegram = { BotToken = Token }, Email = { Password = "hunter2" } };

        Assert.DoesNotContain("SECRET", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", options.Telegram.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", options.Email.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dispatcher_refuses_invalid_options()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            TestSupport.Dispatcher(new AlertingOptions { Language = "fr" }, TimeProvider.System, new CapturingLoggerProvider()));

        Assert.Contains("Language", error.Message, StringComparison.Ordinal);
    }
}
