using System.Text.Json;
using System.Text.Json.Serialization;

namespace Watchdog.Cli;

/// <summary>
/// What the CLI reads from and sends to the agent's API, serialized by generated code (no reflection: the CLI works
/// trimmed and under Native AOT). Web defaults (camelCase, case-insensitive reading) and enums as names.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(List<BanView>))]
[JsonSerializable(typeof(BanBody))]
[JsonSerializable(typeof(MaintenanceBody))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>What the CLI prints as JSON: the agent's documents re-indented, and its own reports.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(CheckConfigReport))]
internal sealed partial class CliOutputJsonContext : JsonSerializerContext
{
    /// <summary>A JSON text, indented.</summary>
    public static string Indent(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, Default.JsonElement);
    }
}

/// <summary>The body of <c>POST /api/bans</c>.</summary>
internal sealed record BanBody(string Address, double? DurationSeconds, bool Fleet);

/// <summary>The body of <c>POST /api/maintenance</c>.</summary>
internal sealed record MaintenanceBody(double? DurationSeconds, string? Reason);

/// <summary><c>watchdog check-config --json</c>.</summary>
internal sealed record CheckConfigReport(string File, bool Ok, IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings, IReadOnlyList<string> Notes);
