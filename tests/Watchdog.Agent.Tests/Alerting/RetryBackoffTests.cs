using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Tests.Alerting;

public class RetryBackoffTests
{
    [Fact]
    public void Delay_doubles_after_each_failure_and_stops_at_the_cap()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));

        var delays = Enumerable.Range(1, 6).Select(backoff.DelayBefore).Select(d => d.TotalSeconds);

        Assert.Equal([2d, 4d, 8d, 16d, 20d, 20d], delays);
    }

    [Fact]
    public void Huge_retry_numbers_stay_at_the_cap()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(5), backoff.DelayBefore(int.MaxValue));
    }
}
