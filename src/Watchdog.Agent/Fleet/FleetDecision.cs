using System.Globalization;
using System.Net;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Fleet;

/// <summary>A ban or unban one agent decided, as it travels through the broker (signed; see <see cref="FleetSigner"/>).</summary>
/// <param name="Id">A random nonce (32 hex digits): the same decision is applied once.</param>
/// <param name="Action"><c>ban</c> or <c>unban</c>.</param>
/// <param name="Address">The canonical address.</param>
/// <param name="Source">Where the attack was seen (ssh, sip, ami, manual).</param>
/// <param name="Reason">Why (e.g. <c>ssh_bruteforce</c>, <c>manual</c>, <c>expired</c>).</param>
/// <param name="Until">When the ban ends.</param>
/// <param name="Origin">The agent that decided it.</param>
/// <param name="IssuedAt">When it was decided (the replay window is measured from here).</param>
public sealed record FleetDecision(
    string Id, string Action, string Address, AttackSource Source, string Reason, DateTimeOffset Until, string Origin, DateTimeOffset IssuedAt)
{
    /// <summary>The <see cref="Action"/> of a ban.</summary>
    public const string Ban = "ban";

    /// <summary>The <see cref="Action"/> of an unban.</summary>
    public const string Unban = "unban";

    private const string Version = "1";

    /// <summary>A new decision with a fresh random id.</summary>
    public static FleetDecision Create(string action, BanEntry entry, string reason, string origin, DateTimeOffset now) =>
        new(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), action, entry.Address, entry.Source,
            Clean(reason), entry.Until, origin, now);

    /// <summary>The exact bytes that are signed: every field, in a fixed order, one per line.</summary>
    public string Canonical() => string.Join('\n', "watchdog-fleet", Version, Id, Action, Address, AttackSourceLabel.Of(Source), Reason,
        Until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), Origin,
        IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>The fields as stored on the broker, <c>sig</c> included.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToFields(string signature) =>
    [
        new("v", Version), new("id", Id), new("action", Action), new("address", Address), new("source", AttackSourceLabel.Of(Source)),
        new("reason", Reason), new("until", Until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), new("origin", Origin),
        new("issued", IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), new("sig", signature),
    ];

    /// <summary>
    /// Reads a decision from broker fields; null (with <paramref name="signature"/> empty) when a field is missing or
    /// malformed. The signature is not checked here.
    /// </summary>
    public static FleetDecision? TryParse(IReadOnlyDictionary<string, string> fields, out string signature)
    {
        signature = fields.GetValueOrDefault("sig") ?? "";
        string? Get(string name) => fields.TryGetValue(name, out var v) && v.Length is > 0 and <= 256 && !v.Contains('\n') ? v : null;
        if (Get("v") != Version || Get("id") is not { Length: 32 } id || Get("action") is not (Ban or Unban) || Get("address") is not { } address
            || !IPAddress.TryParse(address, out var ip) || Get("source") is not { } source || Get("reason") is not { } reason
            || !long.TryParse(Get("until"), NumberStyles.None, CultureInfo.InvariantCulture, out var until)
            || Get("origin") is not { } origin
            || !long.TryParse(Get("issued"), NumberStyles.None, CultureInfo.InvariantCulture, out var issued))
        {
            return null;
        }

        var kind = source switch
        {
            "ssh" => AttackSource.Ssh,
            "sip" => AttackSource.Sip,
            "ami" => AttackSource.Ami,
            _ => AttackSource.Manual,
        };
        try
        {
            return new FleetDecision(id, fields["action"], IpLiteral.Normalize(ip).ToString(), kind, reason,
                DateTimeOffset.FromUnixTimeMilliseconds(until), origin, DateTimeOffset.FromUnixTimeMilliseconds(issued));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    // A reason is free text from our own code, but it travels: one short line.
    private static string Clean(string reason) =>
        new string([.. reason.Where(c => !char.IsControl(c)).Take(64)]) is { Length: > 0 } r ? r : "unknown";
}
