using System.Globalization;
using Xunit.Abstractions;
using static Watchdog.Agent.Tests.Metrics.AgentHarness;

namespace Watchdog.Agent.Tests.Metrics;

/// <summary>
/// Scrapes the agent with a real <c>prometheus</c> (Debian package). Absent binary: fails when
/// <c>CI=true</c>, passes with a note otherwise (xUnit 2 has no runtime skip).
/// </summary>
public class RealPrometheusScrapeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task Real_prometheus_scrapes_registration_state_from_the_agent()
    {
        var binary = RealPrometheus.FindBinary();
        if (binary is null)
        {
            output.WriteLine(RealPrometheus.RequireOrSkip());
            return;
        }

        await using var agent = await StartAsync();
        await agent.WaitUntilSyncedAsync();
        await using var prometheus = await RealPrometheus.StartAsync(binary, $"127.0.0.1:{agent.BaseAddress.Port}");

        await WaitForValueAsync(prometheus, "1");

        agent.Simulator.SetRegistrationStatus("mango-registration", "Rejected");
        await WaitForValueAsync(prometheus, "0");
    }

    private static async Task WaitForValueAsync(RealPrometheus prometheus, string expected)
    {
        var last = "(no answer)";
        var seen = await prometheus.PollAsync(async ct =>
        {
            var body = await prometheus.QueryAsync("asterisk_registration_registered", ct);
            last = body.ToString();
            var result = body.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() != 1) return false;
            var sample = result[0];
            var labels = sample.GetProperty("metric");
            return labels.GetProperty("job").GetString() == "watchdog"
                && labels.GetProperty("registration").GetString() == "mango-registration"
                && sample.GetProperty("value")[1].GetString() == expected;
        }, QueryTimeout);

        Assert.True(seen, $"Prometheus never reported asterisk_registration_registered = {expected} within {QueryTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. Last answer: {last}\nLog:\n{prometheus.Log}");
    }
}
