using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Watchdog.Agent;

namespace Watchdog.Configuration;

/// <summary>The configuration as loaded, bound and checked: every problem at once, each naming its key and where it came from.</summary>
public sealed record LoadedConfig(string Path, IConfigurationRoot? Config, AgentSettings? Settings, IReadOnlyList<string> Problems)
{
    /// <summary>Nothing could be bound (missing file, broken JSON): <see cref="Config"/> and <see cref="Settings"/> are null.</summary>
    public bool Fatal => Config is null;
}

/// <summary>
/// Loads <c>watchdog.json</c> plus the <c>Watchdog__Section__Key</c> environment and the <c>…File</c> secrets, and
/// names every mistake: JSON errors with line and column, unknown keys with the closest known one, values of
/// the wrong type (with the environment variable when it came from there), unreadable secret files, and
/// everything the options' own validation finds. Durations accept <c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c> as
/// well as <c>hh:mm:ss</c>. Keys are written <c>Section:Key</c> everywhere.
/// </summary>
public static partial class ConfigCheck
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static LoadedConfig Load(string? path)
    {
        var file = System.IO.Path.GetFullPath(path ?? ConfigLoader.DefaultPath);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failed(file, $"config file '{file}' not found (pass --config FILE, or copy watchdog.example.json there)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(file, $"config file '{file}' cannot be read: {e.Message}");
        }

        try
        {
            using var document = JsonDocument.Parse(text, JsonOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Failed(file, $"{file}: the configuration must be a JSON object ({{ \"Ami\": {{ … }}, … }}), not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}: " : "";
            return Failed(file, $"{file}: {where}not valid JSON: {PositionSuffix().Replace(e.Message, "").TrimEnd(' ', '.')}");
        }

        var fileConfig = new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false).Build();
        var envConfig = new ConfigurationBuilder().AddEnvironmentVariables(ConfigLoader.EnvironmentPrefix).Build();
        var root = new ConfigurationBuilder().AddConfiguration(fileConfig).AddConfiguration(envConfig).Build();
        var problems = new List<string>();
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        CheckKeys(fileConfig, null, problems);
        CheckKeys(envConfig, ConfigLoader.EnvironmentPrefix, problems);
        foreach (var (key, value) in root.AsEnumerable())
        {
            if (value is null || ConfigSchema.Agent.Find(key) is not { IsLeaf: true } node) continue;
            var source = envConfig[key] is not null ? $" (from the environment variable {EnvName(key)})" : "";
            if (Normalize(value, node.Type, out var normalized, out var expected))
            {
                if (normalized != value) overrides[key] = normalized;
                continue;
            }
            problems.Add($"{key}: '{value}' is not {expected}{source}");
            // Bind the rest of the section as written: the bad value falls back to its default instead of failing the whole section.
            overrides[key] = node.DefaultText ?? "";
        }

        foreach (var key in ConfigLoader.SecretKeys)
        {
            if (root[key + "File"] is not { Length: > 0 } secretFile) continue;
            try
            {
                overrides[key] = File.ReadAllText(secretFile).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{key}File: cannot read '{secretFile}': {e.Message}");
                overrides[key] = "(unreadable secret file)"; // not "empty": the file is the problem, already named
            }
        }

        var config = overrides.Count == 0 ? root : new ConfigurationBuilder().AddConfiguration(root).AddInMemoryCollection(overrides).Build();
        var settings = AgentSettings.Bind(config, out var bindProblems);
        problems.AddRange(bindProblems.Concat(settings.Validate()).Select(ColonKeys));
        return new LoadedConfig(file, config, settings, problems.Distinct().ToList());
    }

    private static LoadedConfig Failed(string file, string problem) => new(file, null, null, [problem]);

    /// <summary>Unknown keys, each reported once at the first part that is not known.</summary>
    private static void CheckKeys(IConfiguration config, string? environmentPrefix, List<string> problems)
    {
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, _) in config.AsEnumerable().OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (ConfigSchema.Agent.Check(key) is not { } unknown || !reported.Add(unknown.Unknown)) continue;
            var hint = unknown.Suggestion is { } s ? $" — did you mean {s}?" : "";
            problems.Add(environmentPrefix is null
                ? $"{unknown.Unknown}: unknown key{hint}"
                : $"environment variable {EnvName(unknown.Unknown)}: unknown key {unknown.Unknown}{hint}");
        }
    }

    private static string EnvName(string key) => ConfigLoader.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="value"/> binds to <paramref name="type"/>; durations are rewritten to what the binder reads.</summary>
    internal static bool Normalize(string value, Type type, out string normalized, out string expected)
    {
        normalized = value;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (value.Length == 0 && (t == typeof(string) || Nullable.GetUnderlyingType(type) is not null))
        {
            expected = "";
            return true;
        }
        if (t == typeof(TimeSpan))
        {
            expected = "a duration (90s, 5m, 2h, 1d or hh:mm:ss)";
            if (!Durations.TryParse(value, out var d)) return false;
            normalized = d.ToString("c", CultureInfo.InvariantCulture);
            return true;
        }
        if (t.IsEnum)
        {
            expected = "one of " + string.Join(", ", Enum.GetNames(t));
            return Enum.TryParse(t, value, ignoreCase: true, out _) && !char.IsAsciiDigit(value[0]) && value[0] != '-';
        }
        expected = t == typeof(bool) ? "true or false"
            : t == typeof(int) || t == typeof(long) || t == typeof(short) ? "a whole number"
            : t == typeof(double) || t == typeof(float) || t == typeof(decimal) ? "a number"
            : "a " + t.Name;
        return t == typeof(string) || Parses(value, t);
    }

    // What the generated binder parses each scalar with (invariant culture), so a value passes here exactly when it binds.
    private static bool Parses(string value, Type t)
    {
        const NumberStyles Integer = NumberStyles.Integer;
        const NumberStyles Float = NumberStyles.Float;
        var c = CultureInfo.InvariantCulture;
        return t switch
        {
            _ when t == typeof(bool) => bool.TryParse(value, out _),
            _ when t == typeof(int) => int.TryParse(value, Integer, c, out _),
            _ when t == typeof(long) => long.TryParse(value, Integer, c, out _),
            _ when t == typeof(short) => short.TryParse(value, Integer, c, out _),
            _ when t == typeof(byte) => byte.TryParse(value, Integer, c, out _),
            _ when t == typeof(uint) => uint.TryParse(value, Integer, c, out _),
            _ when t == typeof(ulong) => ulong.TryParse(value, Integer, c, out _),
            _ when t == typeof(ushort) => ushort.TryParse(value, Integer, c, out _),
            _ when t == typeof(double) => double.TryParse(value, Float, c, out _),
            _ when t == typeof(float) => float.TryParse(value, Float, c, out _),
            _ when t == typeof(decimal) => decimal.TryParse(value, Float, c, out _),
            _ when t == typeof(Guid) => Guid.TryParse(value, out _),
            _ when t == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, c, DateTimeStyles.None, out _),
            _ when t == typeof(DateTime) => DateTime.TryParse(value, c, DateTimeStyles.None, out _),
            _ when t == typeof(Uri) => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _),
            _ => true,
        };
    }

    /// <summary>"Ami.Port must …" → "Ami:Port must …": the options' own messages, in the one key notation.</summary>
    internal static string ColonKeys(string message) => DottedKey().Replace(message, m => m.Value.Replace('.', ':'));

    [GeneratedRegex(@"\b(?:Ami|Api|State|Actuators|Healing|Security|Alerting|Diagnosis)(?:\.[A-Z][A-Za-z0-9]*)+")]
    private static partial Regex DottedKey();

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex PositionSuffix();
}
