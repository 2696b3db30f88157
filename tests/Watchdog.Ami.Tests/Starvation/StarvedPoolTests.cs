using System.Diagnostics;

namespace Watchdog.Ami.Tests.Starvation;

public sealed class StarvedPoolTests
{
    // The dispatcher of old needed a pool thread of its own: at 50,000 events/s it lost 500 of 100,000
    // here, in a flood 92,000. Delivery on the reading loop needs none, and TCP slows a flood down instead.
    [Theory(Timeout = 120_000)]
    [InlineData(30_000, 10_000)]
    [InlineData(100_000, 1_000_000)]
    public async Task With_one_of_two_pool_threads_blocked_every_event_is_delivered(int events, int eventsPerSecond)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(StarvedPoolScenario).Assembly.Location);
        info.ArgumentList.Add(StarvedPoolScenario.Argument);
        info.ArgumentList.Add(events.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add(eventsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Environment["DOTNET_PROCESSOR_COUNT"] = "2"; // so that a pool of 2 is allowed on any machine
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output + await errors;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {text}");
        Assert.Contains($"delivered={events} dropped=0", text);
    }
}
