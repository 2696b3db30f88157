namespace Watchdog.Benchmarks;

/// <summary>
/// On-demand benchmarks (never run in CI). Each mode lives in its own file and ends by printing
/// one contract line: <c>ami: …</c>, <c>metrics: …</c>, <c>authlog: …</c> or <c>cost: …</c>.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: dotnet run -c Release --project tests/Watchdog.Benchmarks -- MODE [options]

        modes:
          ami [--events N]        stream N AMI events (default 1,000,000) over loopback TCP from the
                                  simulator into the client, next to a bare Pipelines frame splitter
          metrics                 1000 endpoints, 500 channels: /metrics render time, update cost per event
          authlog [--file PATH]   scan a generated 1,000,000-line auth.log (or PATH): lines/s, append-to-ban latency
          cost [--rate N] [--seconds S] [--warmup S] [--idle] [--agent PATH]
                                  the agent as `watchdog run` builds it, fed N events/s (default 5000) by a
                                  simulator in a child process: its own CPU, RSS, GC heap, allocations, threads;
                                  --agent PATH starts that executable (or watchdog.dll) as `run` instead and
                                  measures it from outside (/proc/PID; GC heap and allocations 0)
          fleet [--broker URL --user U --password-file F]
                                  20 agents on a redis-server started here (or URL): ban propagation p50/p99,
                                  lost bans across a broker restart, forged decisions rejected
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "ami" => await AmiBenchmark.RunAsync(rest),
                "metrics" => await MetricsBenchmark.RunAsync(rest),
                "authlog" => await AuthLogBenchmark.RunAsync(rest),
                "cost" => await Cost.CostBenchmark.RunAsync(rest),
                "cost-sim" => await Cost.CostSimulator.RunAsync(rest),
                "fleet" => await FleetBenchmark.RunAsync(rest),
                _ => Fail($"unknown mode '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"benchmarks: {message}");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
