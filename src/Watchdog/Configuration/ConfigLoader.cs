namespace Watchdog.Configuration;

/// <summary>
/// Where the agent's configuration comes from: one JSON file (default <c>/etc/watchdog/watchdog.json</c>) overridden by
/// environment variables in the <c>Watchdog__Ami__Host</c> style; secrets may be given as <c>…File</c> keys
/// (e.g. <c>Ami:SecretFile</c>) naming a file whose content is the secret. <see cref="ConfigCheck.Load"/> reads it.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Where the config is looked for when no <c>--config</c> is given.</summary>
    public const string DefaultPath = "/etc/watchdog/watchdog.json";

    /// <summary>The environment prefix: <c>Watchdog__Ami__Host=…</c> overrides <c>Ami:Host</c>.</summary>
    public const string EnvironmentPrefix = "Watchdog__";

    /// <summary>Secret keys that may come from a file named by the same key plus <c>File</c>.</summary>
    internal static readonly string[] SecretKeys =
        ["Ami:Secret", "Alerting:Telegram:BotToken", "Alerting:Email:Password"];
}

/// <summary>A configuration problem, reported in one line with a non-zero exit code.</summary>
public sealed class ConfigException(string message) : Exception(message);
