using System.Text.Json.Serialization;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary>One active ban (also its persisted form). <see cref="Address"/> is canonical text.</summary>
public sealed record BanEntry(
    string Address,
    AttackSource Source,
    string Reason,
    DateTimeOffset BannedAt,
    DateTimeOffset Until,
    int Offence)
{
    /// <summary>Who decided the ban: <see cref="LocalOrigin"/>, or the name of the fleet agent that published it.</summary>
    public string Origin { get; init; } = LocalOrigin;

    /// <summary>True when the ban was offered to, or came from, the fleet.</summary>
    public bool Fleet { get; init; }

    /// <summary>The <see cref="Origin"/> of a ban this agent decided itself.</summary>
    public const string LocalOrigin = "local";
}

/// <summary>How often an address was banned, for growing ban times.</summary>
public sealed record OffenceHistory(int Offences, DateTimeOffset LastBanAt);

/// <summary>The JSON state file.</summary>
public sealed record BanState
{
    /// <summary>Format version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Active bans.</summary>
    public List<BanEntry> Bans { get; init; } = [];

    /// <summary>Past offences by canonical address.</summary>
    public Dictionary<string, OffenceHistory> Offenders { get; init; } = [];
}

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BanState))]
internal sealed partial class BanStateJsonContext : JsonSerializerContext;
