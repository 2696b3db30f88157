using Watchdog.Agent.Alerting;
using static Watchdog.Agent.Tests.Alerting.TestSupport;

namespace Watchdog.Agent.Tests.Alerting;

public class NotificationRendererTests
{
    [Fact]
    public void Single_alert_in_english_has_headline_title_details_time_and_fix()
    {
        var alert = Lost("provider-a", Start) with { Details = new Dictionary<string, string> { ["status"] = "Rejected" } };

        var n = new NotificationRenderer("en", "pbx1").Render([alert]);

        Assert.Equal("[pbx1] Trunk registration lost: provider-a", n.Title);
        Assert.Contains("status: Rejected", n.Text, StringComparison.Ordinal);
        Assert.Contains("12:00:00 UTC", n.Text, StringComparison.Ordinal);
        Assert.Contains("re-register", n.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Russian_language_renders_russian_texts()
    {
        var n = new NotificationRenderer("ru").Render([Lost("provider-a", Start)]);

        Assert.Equal("Потеряна регистрация транка: provider-a", n.Title);
        Assert.Contains("перерегистрироваться", n.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ru", 1, "1 оповещение")]
    [InlineData("ru", 3, "3 оповещения")]
    [InlineData("ru", 5, "5 оповещений")]
    [InlineData("ru", 11, "11 оповещений")]
    [InlineData("ru", 22, "22 оповещения")]
    [InlineData("en", 3, "3 alerts")]
    public void Group_title_counts_alerts_in_the_language(string language, int count, string expected)
    {
        var alerts = Enumerable.Range(0, count).Select(i => new Alert(AlertKind.Ban, AlertSeverity.Info, $"198.51.100.{i}", Start)).ToArray();

        var title = new NotificationRenderer(language).Render(alerts).Title;

        Assert.Equal(count == 1 ? (language == "ru" ? "Заблокирован: 198.51.100.0" : "Banned: 198.51.100.0") : expected, title);
    }

    [Fact]
    public void Group_title_counts_unresolved_critical_alerts()
    {
        var n = new NotificationRenderer("en").Render([Lost("a", Start), Lost("b", Start), Restored("c", Start)]);

        Assert.Equal("3 alerts, 2 critical", n.Title);
    }

    [Fact]
    public void Html_body_escapes_markup_from_subjects_and_details()
    {
        var alert = new Alert(AlertKind.EndpointUnreachable, AlertSeverity.Warning, "<b>x</b>&y", Start)
        {
            Details = new Dictionary<string, string> { ["contact"] = "sip:a@b<c>" },
        };

        var html = new NotificationRenderer("en").Render([alert]).Html;

        Assert.Contains("<b>Endpoint unreachable: &lt;b&gt;x&lt;/b&gt;&amp;y</b>", html, StringComparison.Ordinal);
        Assert.Contains("contact: sip:a@b&lt;c&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<c>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Remediation_headline_tells_the_outcome()
    {
        var failed = new Alert(AlertKind.Remediation, AlertSeverity.Warning, "provider-a", Start) { Outcome = RemediationOutcome.Failed };

        Assert.Equal("Remediation failed: provider-a", new NotificationRenderer("en").Render([failed]).Title);
        Assert.Equal("Восстановление не удалось: provider-a", new NotificationRenderer("ru").Render([failed]).Title);
    }

    [Fact]
    public void Resolved_alert_is_marked_as_resolved()
    {
        Assert.StartsWith("✅", new NotificationRenderer("en").Render([Restored("a", Start)]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_group_is_cut_below_the_telegram_limit_with_a_count_of_the_rest()
    {
        var alerts = Enumerable.Range(0, 500).Select(i => new Alert(AlertKind.AttackSpike, AlertSeverity.Warning, $"203.0.113.{i}", Start)).ToArray();

        var n = new NotificationRenderer("en").Render(alerts);

        Assert.InRange(n.Html.Length + n.Title.Length, 1, 4096 - 16);
        Assert.InRange(n.Text.Length, 1, NotificationRenderer.MaxBodyLength + 40);
        Assert.Matches(@"… and \d+ more$", n.Text);
        Assert.Matches(@"… and \d+ more$", n.Html);
    }
}
