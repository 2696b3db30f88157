namespace Watchdog.Agent.Detection;

/// <summary>
/// Counts failures of all sources in the last minute with 60 one-second buckets (constant memory however
/// hard the flood) and says when the rate crosses the threshold, at most once per cooldown.
/// </summary>
public sealed class FailureSpikeDetector(int thresholdPerMinute, TimeSpan cooldown)
{
    private readonly int[] _buckets = new int[60];
    private long _currentSecond = long.MinValue;
    private int _total;
    private DateTimeOffset? _lastAlert;

    /// <summary>Failures counted in the last 60 seconds.</summary>
    public int FailuresLastMinute => _total;

    /// <summary>Counts one failure at <paramref name="now"/>; true when an alert should be raised now.</summary>
    public bool Record(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        Advance(second);
        _buckets[(int)(second % 60)]++;
        _total++;
        if (_total <= thresholdPerMinute || (_lastAlert is { } last && now - last < cooldown))
        {
            return false;
        }

        _lastAlert = now;
        return true;
    }

    private void Advance(long second)
    {
        if (_currentSecond == long.MinValue || second - _currentSecond >= 60)
        {
            Array.Clear(_buckets);
            _total = 0;
        }
        else
        {
            for (var s = _currentSecond + 1; s <= second; s++)
            {
                var i = (int)(s % 60);
                _total -= _buckets[i];
                _buckets[i] = 0;
            }
        }

        if (second > _currentSecond)
        {
            _currentSecond = second;
        }
    }
}
