using Microsoft.Extensions.Configuration;

namespace Watchdog.Configuration;

/// <summary>
/// Loads the agent's configuration: one JSON file (default <c>/etc/watchdog/watchdog.json</c>) overridden by
/// environment variables in the <c>Watchdog__Ami__Host</c> style. Secrets may be given as
/// <c>…File</c> keys (e.g. <c>Ami:SecretFile</c>) naming a file whose content is the secret, so they
/// need not sit in the JSON.
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

    /// <summary>Builds the configuration, or explains in one line why it cannot.</summary>
    /// <exception cref="ConfigException">The file is missing or not valid JSON, or a secret file cannot be read.</exception>
    public static IConfigurationRoot Load(string? path)
    {
        var file = Path.GetFullPath(path ?? DefaultPath);
        if (!File.Exists(file))
        {
            throw new ConfigException($"config file '{file}' not found (pass --config FILE, or copy watchdog.example.json there)");
        }

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder()
                .AddJsonFile(file, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ConfigException($"config file '{file}' is not valid JSON: {e.InnerException?.Message ?? e.Message}");
        }

        var secrets = new Dictionary<string, string?>();
        foreach (var key in SecretKeys)
        {
            if (root[key + "File"] is { Length: > 0 } secretFile)
            {
                try
                {
                    secrets[key] = File.ReadAllText(secretFile).TrimEnd('\r', '\n');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ConfigException($"{key}File: cannot read '{secretFile}': {e.Message}");
                }
            }
        }
        if (secrets.Count == 0)
        {
            return root;
        }
        return new ConfigurationBuilder().AddConfiguration(root).AddInMemoryCollection(secrets).Build();
    }
}

/// <summary>A configuration problem, reported in one line with a non-zero exit code.</summary>
public sealed class ConfigException(string message) : Exception(message);
