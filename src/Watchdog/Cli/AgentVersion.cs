using System.Reflection;

namespace Watchdog.Cli;

/// <summary>The version printed by <c>--version</c>, the start-up line and <c>/api/status</c>.</summary>
internal static class AgentVersion
{
    public static string Text { get; } =
        typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(AgentVersion).Assembly.GetName().Version?.ToString() ?? "unknown";
}
