using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watchdog.Agent.Alerting;
using static Watchdog.Agent.Tests.Alerting.TestSupport;

namespace Watchdog.Agent.Tests.Alerting;

public class AlertingRegistrationTests
{
    private const string Token = "987654:XYZ-bot-token-must-not-leak";
    private const string Password = "smtp-password-must-not-leak";

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Alerting");

    [Fact(Timeout = 20_000)]
    public async Task Registered_pipeline_delivers_to_telegram_and_email_and_no_log_line_holds_a_secret()
    {
        var ct = Deadline();
        await using var api = await FakeBotApi.StartAsync(ct);
        await using var smtp = await SmtpSink.StartAsync("watchdog", Password, ct);
        api.ReplyError(500, "Internal Server Error");
        var logs = new CapturingLoggerProvider();
        var time = Clock();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddSingleton<TimeProvider>(time)
            .AddWatchdogAlerting(Section(new()
            {
                ["Alerting:Language"] = "en",
                ["Alerting:Telegram:Enabled"] = "true",
                ["Alerting:Telegram:BotToken"] = Token,
                ["Alerting:Telegram:ChatIds:0"] = "42",
                ["Alerting:Telegram:ApiBaseUrl"] = api.BaseUrl,
                ["Alerting:Email:Enabled"] = "true",
                ["Alerting:Email:Host"] = "127.0.0.1",
                ["Alerting:Email:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Alerting:Email:Security"] = "None",
                ["Alerting:Email:UserName"] = "watchdog",
                ["Alerting:Email:Password"] = Password,
                ["Alerting:Email:From"] = "watchdog@pbx.test",
                ["Alerting:Email:To:0"] = "ops@pbx.test",
            }));
        await using var provider = services.BuildServiceProvider();
        var dispatcher = provider.GetRequiredService<AlertDispatcher>();
        var hosted = provider.GetServices<IHostedService>().Single();
        Assert.Same(dispatcher, hosted);
        Assert.Equal(["telegram:42", "email"], dispatcher.ChannelNames);

        await hosted.StartAsync(ct);
        dispatcher.Publish(Lost("provider-a", Start));
        await logs.WaitForEventAsync(6001, 1, ct);
        time.Advance(TimeSpan.FromSeconds(10));
        await logs.WaitForEventAsync(6005, 1, ct);
        time.Advance(TimeSpan.FromSeconds(2));
        await logs.WaitForEventAsync(6004, 2, ct);
        await hosted.StopAsync(ct);

        Assert.Equal("Trunk registration lost: provider-a", (await smtp.NextAsync(ct)).Message.Subject);
        Assert.Equal($"/bot{Token}/sendMessage", (await api.NextRequestAsync(ct)).Path);
        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("must-not-leak", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_section_fails_with_every_problem_listed()
    {
        var services = new ServiceCollection().AddLogging().AddWatchdogAlerting(Section(new()
        {
            ["Alerting:Language"] = "de",
            ["Alerting:Telegram:Enabled"] = "true",
            ["Alerting:Email:Enabled"] = "true",
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlertingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Language", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("BotToken", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Email:Host", StringComparison.Ordinal));
        Assert.True(error.Failures.Count() >= 6);
    }
}
