using System.Diagnostics;

namespace Watchdog.Benchmarks.Cost;

/// <summary>
/// The runtime settings the agent is deployed with: the <c>DOTNET_*</c> <c>Environment=</c> lines of
/// <c>deploy/watchdog.service</c> (copied next to the benchmark). The cost benchmark measures the agent under
/// them, so when this process was started without them it runs itself again with them set.
/// </summary>
internal static class UnitEnvironment
{
    private const string Marker = "WATCHDOG_COST_UNIT_ENVIRONMENT";

    /// <summary>The unit's <c>DOTNET_*</c> variables, in file order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Read()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "watchdog.service");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"cost: {path} is missing (the build copies deploy/watchdog.service there)");
        }

        return [.. File.ReadLines(path)
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("Environment=DOTNET_", StringComparison.Ordinal))
            .Select(l => l["Environment=".Length..].Split('=', 2))
            .Where(kv => kv.Length == 2)
            .Select(kv => KeyValuePair.Create(kv[0], kv[1]))];
    }

    /// <summary>Null when this process already runs under the unit's settings; otherwise the exit code of a run that does.</summary>
    public static Task<int>? RelaunchIfNeeded(string[] costArgs)
    {
        var wanted = Read();
        if (Environment.GetEnvironmentVariable(Marker) == "1" || wanted.All(kv => Environment.GetEnvironmentVariable(kv.Key) == kv.Value))
        {
            Console.WriteLine("cost: runtime settings of deploy/watchdog.service: " + string.Join(" ", wanted.Select(kv => $"{kv.Key}={kv.Value}")));
            return null;
        }

        return RunAsync(wanted, costArgs);
    }

    private static async Task<int> RunAsync(IReadOnlyList<KeyValuePair<string, string>> wanted, string[] costArgs)
    {
        var info = CostBenchmark.SelfStartInfo();
        info.ArgumentList.Add("cost");
        foreach (var arg in costArgs)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in wanted)
        {
            info.Environment[key] = value;
        }
        info.Environment[Marker] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cost: cannot start the benchmark under the unit's settings");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
