namespace Watchdog.Simulator; internal static class SimAssembly { }
