namespace Watchdog.Benchmarks;

internal static class AmiBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("benchmarks: mode not implemented yet");
        return Task.FromResult(2);
    }
}
