namespace Watchdog.Agent.Detection;

/// <summary>The memory-growth verdict over the current window.</summary>
/// <param name="Samples">Samples in the window.</param>
/// <param name="SlopeBytesPerHour">Least-squares slope of RSS over time (0 with too few samples).</param>
/// <param name="Fit">R² of that line (0..1).</param>
/// <param name="Leaking">Slope above the threshold, with enough samples and a good enough fit.</param>
public sealed record RssGrowth(int Samples, double SlopeBytesPerHour, double Fit, bool Leaking);

/// <summary>
/// Detects steady resident-memory growth: a least-squares line through the last N samples whose slope is above
/// a threshold and which fits well (R²), so one spike or a sawtooth does not count. Not thread-safe.
/// </summary>
public sealed class RssGrowthDetector(int window, int minimumSamples, double slopeBytesPerHour, double minimumFit)
{
    private readonly Queue<(DateTimeOffset At, long Bytes)> _samples = new();

    /// <summary>Forgets every sample (call when the pid changes: a restarted Asterisk starts small).</summary>
    public void Reset() => _samples.Clear();

    /// <summary>Adds a sample and returns the verdict over the window.</summary>
    public RssGrowth Add(DateTimeOffset at, long residentBytes)
    {
        _samples.Enqueue((at, residentBytes));
        while (_samples.Count > window)
        {
            _samples.Dequeue();
        }

        var n = _samples.Count;
        if (n < minimumSamples)
        {
            return new RssGrowth(n, 0, 0, false);
        }

        var origin = _samples.Peek().At;
        double sumX = 0, sumY = 0;
        foreach (var (t, y) in _samples)
        {
            sumX += (t - origin).TotalHours;
            sumY += y;
        }

        double meanX = sumX / n, meanY = sumY / n, sxx = 0, sxy = 0, syy = 0;
        foreach (var (t, y) in _samples)
        {
            var dx = (t - origin).TotalHours - meanX;
            var dy = y - meanY;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }

        if (sxx <= 0)
        {
            return new RssGrowth(n, 0, 0, false);
        }

        var slope = sxy / sxx;
        var fit = syy <= 0 ? 0 : sxy * sxy / (sxx * syy);
        return new RssGrowth(n, slope, fit, slope > slopeBytesPerHour && fit >= minimumFit);
    }
}
