using System.Text;

namespace Watchdog.Agent.Tests;

/// <summary>
/// A bash script written into a temp directory that records each invocation's argv (one argument per line,
/// invocations separated by a line "--") and then runs <c>body</c>. Stands in for ufw/systemctl/journalctl.
/// </summary>
internal sealed class StandInExecutable : IDisposable
{
    private readonly string _directory;

    public StandInExecutable(string body = "exit 0", string name = "stand-in")
    {
        _directory = Path.Combine(Path.GetTempPath(), "watchdog-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        ArgvFile = Path.Combine(_directory, "argv.log");
        Path_ = Path.Combine(_directory, name);
        var script = $$"""
            #!/usr/bin/env bash
            { for a in "$@"; do printf '%s\n' "$a"; done; printf -- '--\n'; } >> '{{ArgvFile}}'
            {{body}}
            """;
        File.WriteAllText(Path_, script.Replace("\r\n", "\n"), new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path_, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Path_ { get; }

    public string ArgvFile { get; }

    /// <summary>Each recorded invocation as its argument list.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Invocations()
    {
        if (!File.Exists(ArgvFile))
        {
            return [];
        }

        var calls = new List<IReadOnlyList<string>>();
        var current = new List<string>();
        foreach (var line in File.ReadAllLines(ArgvFile))
        {
            if (line == "--")
            {
                calls.Add(current);
                current = [];
            }
            else
            {
                current.Add(line);
            }
        }

        return calls;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A process we started may still hold the directory; the OS temp cleaner will get it.
        }
    }
}
