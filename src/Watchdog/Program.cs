namespace Watchdog;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("watchdog: not yet implemented");
        return 0;
    }
}
