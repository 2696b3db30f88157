namespace Watchdog.Agent.Tests;

/// <summary>The operators' trunk layout captured from a real Asterisk 22 (tests/Watchdog.Ami.Tests/Fixtures/ami-transcripts/seed-layout).</summary>
internal static class SeedLayout
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed-layout");

    public static string File(string name) => Path.Combine(Directory, name);

    /// <summary>The registration failure lines of the captured messages log (a sustained 403), in order.</summary>
    public static IReadOnlyList<string> Forbidden403Lines() =>
        System.IO.File.ReadLines(File("90-asterisk-messages.log")).Where(l => l.Contains("403 Forbidden", StringComparison.Ordinal)).ToList();
}
