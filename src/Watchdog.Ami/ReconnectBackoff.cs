namespace Watchdog.Ami;

/// <summary>
/// Exponential back-off with jitter: attempt n waits about <c>initial · 2ⁿ</c>, capped at
/// <c>max</c>, scaled by a random factor in [1 - jitter, 1]. Pure apart from its random source.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, double jitter = 0.2, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    /// <summary>The delay before attempt number <paramref name="attempt"/> (0-based).</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var exponent = Math.Clamp(attempt, 0, 30);
        var ticks = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, exponent));
        var factor = 1 - jitter * _random.NextDouble();
        return TimeSpan.FromTicks((long)(ticks * factor));
    }
}
