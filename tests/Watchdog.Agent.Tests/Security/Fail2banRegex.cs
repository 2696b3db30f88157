using System.Diagnostics;
using System.Net;

namespace Watchdog.Agent.Tests.Security;

/// <summary>
/// Runs the real <c>fail2ban-regex</c> with the stock sshd filter (normal mode). Absent binary: the caller fails when
/// <c>CI=true</c> and passes with a note otherwise (xUnit 2 has no runtime skip) — see <see cref="RequireOrSkip"/>.
/// </summary>
internal static class Fail2banRegex
{
    public const string SshdFilter = "/etc/fail2ban/filter.d/sshd.conf";

    /// <summary>The binary on PATH (and the stock filter installed), or null.</summary>
    public static string? FindBinary()
    {
        var binary = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "fail2ban-regex"))
            .FirstOrDefault(File.Exists);
        return binary is not null && File.Exists(SshdFilter) ? binary : null;
    }

    /// <summary>The message to report when fail2ban is missing; fails the test when running in CI.</summary>
    public static string RequireOrSkip()
    {
        const string message = "fail2ban-regex or " + SshdFilter + " is missing (install the Debian package 'fail2ban').";
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), message);
        return "SKIPPED locally: " + message;
    }

    /// <summary>
    /// Failures per address that <c>fail2ban-regex -o ip LOG sshd.conf</c> reports (one line per failure; the
    /// filter's default <c>mode=normal</c>).
    /// </summary>
    public static async Task<Dictionary<IPAddress, int>> FailuresAsync(string binary, string log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--raw", "-o", "ip", log, SshdFilter })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("fail2ban-regex did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await stdout;
        Assert.True(process.ExitCode == 0, $"fail2ban-regex exited {process.ExitCode}: {await stderr}");
        var failures = new Dictionary<IPAddress, int>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = IPAddress.Parse(line);
            failures[address] = failures.GetValueOrDefault(address) + 1;
        }

        return failures;
    }
}
