using System.Net;
using System.Net.Sockets;

namespace Watchdog.Agent.Tests.Cli;

/// <summary>One CLI invocation through <c>Program.RunAsync</c>, its exit code and what it printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal static class CliRun
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Watchdog.Program.RunAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs until <paramref name="done"/> holds (the agent's state arrives over AMI a moment after start).</summary>
    public static async Task<CliResult> RunUntilAsync(Func<CliResult, bool> done, params string[] args)
    {
        while (true)
        {
            var result = await RunAsync(args);
            if (done(result)) return result;
            await Task.Delay(50);
        }
    }

    /// <summary>A loopback port nobody listens on (bound and released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The repository's top directory (where Watchdog.sln is).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Watchdog.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Watchdog.sln not found above " + AppContext.BaseDirectory);
    }
}
