using System.Globalization;

namespace Watchdog.Ami.Tests.Starvation;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is switched off): the test host never
/// calls it; <see cref="StarvedPoolTests"/> runs the assembly with <c>dotnet</c> to get a process whose
/// thread pool it may limit.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args) =>
        args is [StarvedPoolScenario.Argument, var events, var rate]
            ? await StarvedPoolScenario.RunAsync(int.Parse(events, CultureInfo.InvariantCulture), int.Parse(rate, CultureInfo.InvariantCulture))
            : 0;
}
