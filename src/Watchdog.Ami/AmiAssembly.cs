namespace Watchdog.Ami; internal static class AmiAssembly { }
