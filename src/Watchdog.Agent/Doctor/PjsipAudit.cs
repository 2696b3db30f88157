using System.Net;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Doctor;

/// <summary>
/// Checks pjsip.conf: NAT settings of transports on a host behind NAT, the media/NAT options of trunk
/// endpoints, and an <c>identify</c> for trunks the provider calls in on.
/// </summary>
public static class PjsipAudit
{
    /// <summary>
    /// Endpoints treated as trunks: named by a registration (<c>endpoint=</c>, the same section name, or a shared
    /// <c>outbound_auth</c>), by an identify, or listed in <paramref name="configured"/>.
    /// </summary>
    public static IReadOnlyList<ConfigSection> TrunkEndpoints(AsteriskConfig pjsip, IReadOnlyList<string> configured)
    {
        ArgumentNullException.ThrowIfNull(pjsip);
        var endpoints = pjsip.OfType("endpoint").ToList();
        var names = new HashSet<string>(configured, StringComparer.Ordinal);
        foreach (var identify in pjsip.OfType("identify"))
        {
            if (identify.Get("endpoint") is { } name)
            {
                names.Add(name);
            }
        }

        foreach (var endpoint in endpoints.Where(e => RegistrationsOf(pjsip, e).Any()))
        {
            names.Add(endpoint.Name);
        }

        return endpoints.Where(e => names.Contains(e.Name)).ToList();
    }

    /// <summary>Registrations that belong to <paramref name="endpoint"/>.</summary>
    public static IEnumerable<ConfigSection> RegistrationsOf(AsteriskConfig pjsip, ConfigSection endpoint)
    {
        ArgumentNullException.ThrowIfNull(pjsip);
        ArgumentNullException.ThrowIfNull(endpoint);
        var auth = endpoint.Get("outbound_auth");
        return pjsip.OfType("registration").Where(r =>
            r.Get("endpoint") == endpoint.Name
            || (r.Get("endpoint") is null && r.Name == endpoint.Name)
            || (auth is not null && r.Get("outbound_auth") == auth));
    }

    /// <summary>Findings for pjsip.conf (null when missing) on a host with <paramref name="hostAddresses"/>.</summary>
    public static IReadOnlyList<DoctorFinding> Audit(AsteriskConfig? pjsip, IReadOnlyList<IPAddress> hostAddresses, DoctorOptions options)
    {
        ArgumentNullException.ThrowIfNull(hostAddresses);
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<DoctorFinding>();
        if (pjsip is null)
        {
            findings.Add(new DoctorFinding("pjsip.missing", FindingSeverity.Critical, "pjsip.conf", "file not found",
                "No SIP transports or trunks: no calls at all.", "Create pjsip.conf with a transport, the trunk endpoint, aor, auth and registration."));
            return findings;
        }

        AuditTransports(pjsip, hostAddresses, findings);

        var trunks = TrunkEndpoints(pjsip, options.TrunkEndpoints);
        foreach (var missing in options.TrunkEndpoints.Where(n => trunks.All(t => t.Name != n)))
        {
            findings.Add(new DoctorFinding("pjsip.trunk.missing", FindingSeverity.Warning, $"pjsip.conf [{missing}]", "no endpoint with this name",
                "The configured trunk does not exist: its calls cannot be checked or placed.",
                $"Add to pjsip.conf: [{missing}] with type=endpoint, or fix the name in the watchdog options."));
        }

        foreach (var trunk in trunks)
        {
            AuditTrunk(pjsip, trunk, options, findings);
        }

        return findings;
    }

    private static void AuditTransports(AsteriskConfig pjsip, IReadOnlyList<IPAddress> hostAddresses, List<DoctorFinding> findings)
    {
        var privateAddress = hostAddresses.FirstOrDefault(AddressScope.IsPrivate);
        var behindNat = privateAddress is not null && !hostAddresses.Any(a => !AddressScope.IsPrivate(a) && !a.IsIPv6LinkLocal
            && a.AddressFamily == privateAddress.AddressFamily);
        foreach (var transport in pjsip.OfType("transport"))
        {
            var bind = transport.Get("bind") ?? "0.0.0.0";
            if (bind.StartsWith("127.", StringComparison.Ordinal) || bind.StartsWith("[::1]", StringComparison.Ordinal))
            {
                continue;
            }

            if (!behindNat)
            {
                findings.Add(DoctorFinding.Ok("pjsip.transport.nat", transport.Location, "host has a public address; no NAT settings needed").At(transport));
                continue;
            }

            foreach (var option in new[] { "external_signaling_address", "external_media_address" })
            {
                var id = "pjsip.transport." + option;
                var value = transport.Get(option);
                findings.Add((value is { Length: > 0 }
                    ? DoctorFinding.Ok(id, transport.Location, $"{option}={value}")
                    : new DoctorFinding(id, FindingSeverity.Warning, transport.Location,
                        $"host address {privateAddress} is private and {option} is unset",
                        option == "external_media_address"
                            ? "SDP advertises the private address: one-way or no audio, calls dropped by rtp_timeout."
                            : "Contact/Via carry the private address: the provider's in-dialog requests (BYE, re-INVITE) never arrive.",
                        $"In {transport.Location} add: {option}=<this host's public IP>")).At(transport));
            }

            var missing = LocalNets(hostAddresses).Where(net => !transport.GetAll("local_net").Any(have => Covers(have, net))).ToList();
            if (missing.Count > 0)
            {
                var have = transport.GetAll("local_net").ToList();
                findings.Add(new DoctorFinding("pjsip.transport.local_net", FindingSeverity.Info, transport.Location,
                    have.Count == 0 ? "no local_net" : $"local_net={string.Join(", ", have)} does not cover {string.Join(", ", missing)}",
                    "Local phones also get the public address in SDP (hairpin through the router).",
                    $"In {transport.Location} add: {string.Join(" and ", missing.Select(n => "local_net=" + n))}").At(transport));
            }
        }
    }

    /// <summary>
    /// The local networks of this host's private addresses: the /24 of each private IPv4 address, and fc00::/7 (all of
    /// unique-local, RFC 4193) only when the host really has a unique-local IPv6 address. Link-local (169.254/16,
    /// fe80::/10) never reaches a SIP peer and is left out; a host without IPv6 gets no IPv6 suggestion at all.
    /// </summary>
    internal static IReadOnlyList<string> LocalNets(IReadOnlyList<IPAddress> hostAddresses)
    {
        var nets = new List<string>();
        foreach (var raw in hostAddresses)
        {
            var address = raw.IsIPv4MappedToIPv6 ? raw.MapToIPv4() : raw;
            if (!AddressScope.IsPrivate(address) || address.IsIPv6LinkLocal)
            {
                continue;
            }

            var b = address.GetAddressBytes();
            var net = b.Length == 4 ? (b[0] == 169 && b[1] == 254 ? null : $"{b[0]}.{b[1]}.{b[2]}.0/24") : "fc00::/7";
            if (net is not null && !nets.Contains(net))
            {
                nets.Add(net);
            }
        }

        return nets;
    }

    // Whether local_net=have (address/prefix or address/mask, host bits allowed as Asterisk allows them) includes the network wanted.
    private static bool Covers(string have, string wanted)
    {
        if (!TryNetwork(have, out var haveBytes, out var havePrefix) || !TryNetwork(wanted, out var wantedBytes, out var wantedPrefix))
        {
            return string.Equals(have.Trim(), wanted, StringComparison.OrdinalIgnoreCase);
        }

        if (haveBytes.Length != wantedBytes.Length || havePrefix > wantedPrefix)
        {
            return false;
        }

        for (var bit = 0; bit < havePrefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((haveBytes[bit / 8] & mask) != (wantedBytes[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryNetwork(string text, out byte[] bytes, out int prefix)
    {
        text = text.Trim();
        bytes = [];
        prefix = 0;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
        {
            return false;
        }

        bytes = address.GetAddressBytes();
        prefix = bytes.Length * 8;
        if (slash < 0)
        {
            return true;
        }

        var rest = text[(slash + 1)..];
        if (rest.Contains('.', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(rest, out var mask) || mask.GetAddressBytes().Length != bytes.Length)
            {
                return false;
            }

            prefix = mask.GetAddressBytes().Sum(octet => System.Numerics.BitOperations.PopCount(octet));
            return true;
        }

        return int.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) && prefix <= bytes.Length * 8;
    }

    private static void AuditTrunk(AsteriskConfig pjsip, ConfigSection trunk, DoctorOptions options, List<DoctorFinding> findings)
    {
        var first = findings.Count;
        var where = trunk.Location;
        var rtpTimeout = trunk.Get("rtp_timeout");
        findings.Add(int.TryParse(rtpTimeout, out var seconds) && seconds > 0
            ? DoctorFinding.Ok("pjsip.trunk.rtp_timeout", where, $"rtp_timeout={rtpTimeout}")
            : new DoctorFinding("pjsip.trunk.rtp_timeout", FindingSeverity.Warning, where, $"rtp_timeout={rtpTimeout ?? "(unset)"}",
                "Calls whose media died (provider or NAT dropped them) stay up forever and hold channels and licences.",
                $"In {where} add: rtp_timeout={options.SuggestedRtpTimeoutSeconds}"));

        Expect(trunk, "direct_media", "no", defaultValue: "yes",
            "Asterisk tries to re-INVITE media directly between provider and voice-AI: audio breaks behind NAT.", findings);
        Expect(trunk, "rtp_symmetric", "yes", defaultValue: "no",
            "RTP is sent to the address in SDP instead of where it comes from: one-way audio behind NAT.", findings);
        Expect(trunk, "force_rport", "yes", defaultValue: "yes",
            "Responses go to the Via port instead of the source port: requests time out behind NAT.", findings);
        Expect(trunk, "rewrite_contact", "yes", defaultValue: "no",
            "In-dialog requests go to the provider's private Contact: BYE lost, calls never hang up.", findings);

        if (RegistrationsOf(pjsip, trunk).Any())
        {
            var identified = pjsip.OfType("identify").Any(i => i.Get("endpoint") == trunk.Name && i.GetAll("match").Any());
            findings.Add(identified
                ? DoctorFinding.Ok("pjsip.trunk.identify", where, "identify with match= present")
                : new DoctorFinding("pjsip.trunk.identify", FindingSeverity.Warning, where,
                    "registers to the provider but no identify (type=identify, endpoint=" + trunk.Name + ", match=) exists",
                    "Incoming calls from the provider are matched by From user only: rejected (401/403) or sent to the anonymous endpoint.",
                    $"Add to {trunk.File}: [{trunk.Name}-identify] type=identify, endpoint={trunk.Name}, match=<provider's signalling hosts or networks>"));
        }

        for (var i = first; i < findings.Count; i++)
        {
            findings[i] = findings[i].At(trunk);
        }
    }

    private static void Expect(ConfigSection trunk, string option, string wanted, string defaultValue, string symptom, List<DoctorFinding> findings)
    {
        var id = "pjsip.trunk." + option;
        var value = trunk.Get(option);
        var effective = (value ?? defaultValue).Trim().ToLowerInvariant();
        var yes = effective is "yes" or "true" or "on" or "1";
        var ok = wanted == "yes" ? yes : !yes;
        if (ok && value is not null)
        {
            findings.Add(DoctorFinding.Ok(id, trunk.Location, $"{option}={value}"));
            return;
        }

        // An unset option that happens to default right still deserves to be explicit on a trunk.
        findings.Add(ok
            ? new DoctorFinding(id, FindingSeverity.Info, trunk.Location, $"{option} unset (default {defaultValue})",
                "Works by default, but a changed default or template would silently break it.", $"In {trunk.Location} add: {option}={wanted}")
            : new DoctorFinding(id, FindingSeverity.Warning, trunk.Location, value is null ? $"{option} unset (default {defaultValue})" : $"{option}={value}",
                symptom, value is null ? $"In {trunk.Location} add: {option}={wanted}" : $"In {trunk.Location} change to: {option}={wanted}"));
    }
}
