using System.Globalization;
using Prometheus;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>A private registry and a way to read one sample back from its text exposition.</summary>
internal sealed class MetricsText
{
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public IMetricFactory Factory => Prometheus.Metrics.WithCustomRegistry(Registry);

    /// <summary>The value of the sample whose line starts with <paramref name="series"/> (name plus labels), or null.</summary>
    public async Task<double?> ValueAsync(string series)
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
