namespace Watchdog;

/// <summary>Placeholder until the command lands; says so instead of pretending.</summary>
internal static class StatusCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("watchdog: this command is not implemented yet");
        return Task.FromResult(3);
    }
}
