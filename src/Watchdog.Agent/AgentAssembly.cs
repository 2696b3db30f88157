namespace Watchdog.Agent; internal static class AgentAssembly { }
