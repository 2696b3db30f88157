namespace Watchdog.Agent.Tests;

/// <summary>What the tests that drive a real program (Prometheus, Alertmanager, …) share: finding it, and skipping honestly.</summary>
internal static class RealTool
{
    /// <summary>The first of <paramref name="names"/> on PATH (or in /usr/bin), or null.</summary>
    public static string? Find(params string[] names) =>
        names.SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Append("/usr/bin").Select(d => Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// The note to print when the program is missing; fails the test under <c>CI=true</c> (xUnit 2 has no runtime
    /// skip, so a local run passes with the note).
    /// </summary>
    public static string RequireOrSkip(string message)
    {
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), message);
        return "SKIPPED locally: " + message;
    }
}
