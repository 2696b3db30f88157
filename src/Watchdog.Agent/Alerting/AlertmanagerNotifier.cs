using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Watchdog.Agent.Alerting;

/// <summary>
/// Sends alerts to one Prometheus Alertmanager (<c>POST {url}/api/v2/alerts</c>), so a fleet routes, groups,
/// silences and inhibits in one place. One Alertmanager alert per <see cref="Alert"/>: labels <c>alertname</c>
/// (the problem's kind), <c>instance</c>, <c>severity</c> and <c>registration</c>, <c>endpoint</c> or <c>subject</c>;
/// a recovery (e.g. RegistrationRestored) is the same labels with <c>endsAt</c> at the time it happened. A problem
/// stays firing until resolved or <see cref="AlertmanagerOptions.ProblemTimeout"/>; an event (ban, remediation) for
/// <see cref="AlertmanagerOptions.EventTimeout"/>.
/// </summary>
public sealed class AlertmanagerNotifier : INotifier
{
    private readonly Uri _endpoint;
    private readonly AlertmanagerOptions _options;
    private readonly string _instance;
    private readonly HttpClient _http;
    private readonly AlertTexts _texts;

    /// <summary>Creates the notifier for <paramref name="url"/>; <paramref name="http"/> belongs to the caller.</summary>
    public AlertmanagerNotifier(AlertmanagerOptions options, string url, string instance, string language, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _endpoint = new Uri(url.TrimEnd('/') + "/api/v2/alerts");
        _instance = instance;
        _http = http;
        _texts = AlertTexts.For(language);
        Name = "alertmanager:" + new Uri(url).Authority;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = notification.Alerts.Select(ToPostable).ToList();
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsJsonAsync(_endpoint, body, AlertmanagerJsonContext.Default.ListPostableAlert, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NotificationException($"Alertmanager {_endpoint.Authority} unreachable: {e.Message}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new NotificationException($"Alertmanager {_endpoint.Authority} refused the alerts with {(int)response.StatusCode}: {text[..Math.Min(text.Length, 200)]}");
            }
        }
    }

    /// <summary>The Alertmanager form of one alert.</summary>
    internal PostableAlert ToPostable(Alert alert)
    {
        var problem = AlertKinds.ProblemResolvedBy(alert.Kind) ?? alert.Kind;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = "Watchdog" + problem,
            ["instance"] = _instance,
            ["severity"] = (alert.IsResolved ? SeverityOf(problem) : alert.Severity).ToString().ToLowerInvariant(),
            [SubjectLabel(problem)] = alert.Subject,
        };
        foreach (var (key, value) in _options.ExtraLabels)
        {
            labels.TryAdd(key, value);
        }

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = _texts.Headline(alert) };
        if (alert.Details.Count > 0)
        {
            annotations["description"] = string.Join("; ", alert.Details.Select(d => $"{d.Key}: {d.Value}"));
        }

        if (_texts.Hint(alert) is { } hint)
        {
            annotations["hint"] = hint;
        }

        var at = alert.OccurredAt.ToUniversalTime();
        // A recovery has no start of its own: Alertmanager keeps the firing alert's start and takes our end.
        var endsAt = alert.IsResolved ? at : at + (AlertKinds.IsResolvable(alert.Kind) ? _options.ProblemTimeout : _options.EventTimeout);
        return new PostableAlert(labels, annotations, Format(at), Format(endsAt), _options.GeneratorUrl);
    }

    private static AlertSeverity SeverityOf(AlertKind problem) => problem is AlertKind.RegistrationLost or AlertKind.AmiDown
        ? AlertSeverity.Critical
        : AlertSeverity.Warning;

    private static string SubjectLabel(AlertKind kind) => kind switch
    {
        AlertKind.RegistrationLost => "registration",
        AlertKind.EndpointUnreachable or AlertKind.RtpTimeoutSpike or AlertKind.TrunkNoAudio or AlertKind.TrunkUnmatchedRequest or AlertKind.SipEvidence => "endpoint",
        _ => "subject",
    };

    private static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>One element of the body of <c>POST /api/v2/alerts</c>.</summary>
internal sealed record PostableAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] string StartsAt,
    [property: JsonPropertyName("endsAt")] string EndsAt,
    [property: JsonPropertyName("generatorURL"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GeneratorUrl);

[JsonSerializable(typeof(List<PostableAlert>))]
internal sealed partial class AlertmanagerJsonContext : JsonSerializerContext;
