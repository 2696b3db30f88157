using System.Text.Json;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Tests.Alerting;

/// <summary>The Alertmanager channel against a real prometheus-alertmanager started by the test.</summary>
public sealed class AlertmanagerNotifierTests
{
    private static Notification One(Alert alert) => new NotificationRenderer("en").Render([alert]);

    private static string? Label(JsonElement alert, string name) =>
        alert.GetProperty("labels").TryGetProperty(name, out var v) ? v.GetString() : null;

    [Fact(Timeout = 60_000)]
    public async Task A_lost_registration_fires_in_Alertmanager_with_its_labels_and_its_recovery_ends_it()
    {
        if (RealAlertmanager.FindBinary() is not { } binary)
        {
            Console.WriteLine(RealAlertmanager.RequireOrSkip());
            return;
        }

        await using var am = await RealAlertmanager.StartAsync(binary);
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        var options = new AlertmanagerOptions { Enabled = true, Urls = [am.Url], ExtraLabels = new() { ["site"] = "msk" } };
        var notifier = new AlertmanagerNotifier(options, am.Url, "pbx-1", "en", http);
        var lostAt = DateTimeOffset.UtcNow.AddSeconds(-5);

        await notifier.SendAsync(One(new Alert(AlertKind.RegistrationLost, AlertSeverity.Critical, "mango-registration", lostAt)
        {
            Details = new Dictionary<string, string> { ["cause"] = "403" },
        }), cts.Token);
        await notifier.SendAsync(One(new Alert(AlertKind.EndpointUnreachable, AlertSeverity.Warning, "elevenlabs-trunk", lostAt)), cts.Token);

        var alerts = await am.AlertsAsync(cts.Token);
        var registration = Assert.Single(alerts, a => Label(a, "alertname") == "WatchdogRegistrationLost");
        Assert.Equal("pbx-1", Label(registration, "instance"));
        Assert.Equal("critical", Label(registration, "severity"));
        Assert.Equal("mango-registration", Label(registration, "registration"));
        Assert.Equal("msk", Label(registration, "site"));
        Assert.Equal("cause: 403", registration.GetProperty("annotations").GetProperty("description").GetString());
        Assert.Equal("active", registration.GetProperty("status").GetProperty("state").GetString());
        Assert.True(registration.GetProperty("endsAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));
        var endpoint = Assert.Single(alerts, a => Label(a, "alertname") == "WatchdogEndpointUnreachable");
        Assert.Equal("elevenlabs-trunk", Label(endpoint, "endpoint"));
        Assert.Equal("warning", Label(endpoint, "severity"));

        await notifier.SendAsync(One(new Alert(AlertKind.RegistrationRestored, AlertSeverity.Info, "mango-registration", DateTimeOffset.UtcNow)), cts.Token);

        // Resolved alerts leave the list; the other one stays.
        alerts = await am.AlertsAsync(cts.Token);
        Assert.DoesNotContain(alerts, a => Label(a, "alertname") == "WatchdogRegistrationLost");
        Assert.Single(alerts, a => Label(a, "alertname") == "WatchdogEndpointUnreachable");
    }

    [Fact(Timeout = 30_000)]
    public async Task An_unreachable_Alertmanager_is_a_delivery_failure_to_retry()
    {
        using var http = new HttpClient();
        var notifier = new AlertmanagerNotifier(new AlertmanagerOptions { Enabled = true, Urls = ["http://127.0.0.1:1"] }, "http://127.0.0.1:1", "pbx-1", "en", http);
        await Assert.ThrowsAsync<NotificationException>(() =>
            notifier.SendAsync(One(new Alert(AlertKind.AmiDown, AlertSeverity.Critical, "ami", DateTimeOffset.UtcNow)), CancellationToken.None));
    }

    [Fact]
    public void Options_are_validated_with_the_key_named()
    {
        var problems = new AlertingOptions
        {
            Alertmanager = new AlertmanagerOptions { Enabled = true, Urls = ["ftp://x", "http://127.0.0.1:9093"], ExtraLabels = new() { ["bad-label"] = "x" } },
        }.Validate();
        Assert.Contains(problems, p => p.Contains("Alerting:Alertmanager:Urls: \"ftp://x\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("\"bad-label\" is not a label name", StringComparison.Ordinal));
        Assert.Contains("Alerting:Alertmanager:Urls needs at least one URL (e.g. http://127.0.0.1:9093).",
            new AlertingOptions { Alertmanager = new AlertmanagerOptions { Enabled = true } }.Validate());
    }
}
