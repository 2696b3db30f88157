namespace Watchdog.Benchmarks;

internal static class AuthLogBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("benchmarks: mode not implemented yet");
        return Task.FromResult(2);
    }
}
