using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Watchdog.Agent.Tests.Cli;

/// <summary>One CLI invocation, its exit code and what it printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Fails on the first printed line wider than <paramref name="columns"/>.</summary>
    public void AssertFits(int columns) =>
        Assert.All(OutputLines, l => Assert.True(l.Length <= columns, $"{l.Length} columns: {l}"));
}

internal static class CliRun
{
    /// <summary>In-process through <c>Program.RunAsync</c> (fast; for parsing and rendering).</summary>
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Watchdog.Program.RunAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The real executable (<c>dotnet watchdog.dll</c>, built next to the tests) in its own process, with extra
    /// environment variables (null removes one): exit codes, stderr and the console as an operator sees them.
    /// </summary>
    public static async Task<CliResult> ExecAsync(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "watchdog.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test run's own settings must not leak into the child (a COLUMNS or JOURNAL_STREAM of the runner).
        start.Environment.Remove("COLUMNS");
        start.Environment.Remove("JOURNAL_STREAM");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start watchdog");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"watchdog {string.Join(' ', args)} did not exit within 60 s; stderr: {await error}");
        }
        return new CliResult(process.ExitCode, await output, await error);
    }

    public static Task<CliResult> ExecAsync(params string[] args) => ExecAsync(null, args);

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
