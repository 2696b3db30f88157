using System.Net;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Diagnosis;

/// <summary>
/// Holds each trunk's <c>identify</c> <c>match=</c> ranges in pjsip.conf against its provider ranges in
/// <c>Diagnosis:Trunks:Providers</c>. The two must agree: a configured range the identify lacks is rejected by
/// Asterisk ("No matching endpoint found"), and a matched range missing from the configuration is not whitelisted,
/// so the agent could ban the provider. Host names in <c>match=</c> cannot be compared and are skipped.
/// </summary>
public static class ProviderRangeAudit
{
    /// <summary>Reads pjsip.conf from <see cref="DoctorOptions.ConfigDirectory"/> and audits it against <see cref="TrunkDiagnosisOptions.Providers"/> (for <c>check-config</c>).</summary>
    public static async Task<IReadOnlyList<DoctorFinding>> CheckAsync(DiagnosisSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Trunks.Providers.Count == 0)
        {
            return [];
        }

        var pjsip = await AsteriskConfig.LoadAsync(settings.Doctor.ConfigDirectory, "pjsip.conf", cancellationToken).ConfigureAwait(false);
        return Audit(pjsip, settings.Trunks.Providers);
    }

    /// <summary>Findings for every provider with ranges (none when <paramref name="pjsip"/> is missing: the pjsip audit says so).</summary>
    public static IReadOnlyList<DoctorFinding> Audit(AsteriskConfig? pjsip, IReadOnlyList<ProviderRanges> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var findings = new List<DoctorFinding>();
        if (pjsip is null)
        {
            return findings;
        }

        foreach (var provider in providers.Where(p => p.Ranges is { Count: > 0 } && !string.IsNullOrWhiteSpace(p.Endpoint)))
        {
            var configured = provider.Ranges.Select(r => IPNetwork.Parse(r)).Distinct().ToList();
            var identifies = pjsip.OfType("identify").Where(i => i.Get("endpoint") == provider.Endpoint).ToList();
            var subject = $"pjsip.conf identify of [{provider.Endpoint}]";
            if (identifies.Count == 0)
            {
                findings.Add(new DoctorFinding("pjsip.identify.provider_ranges", FindingSeverity.Warning, subject,
                    $"no identify for the trunk; Diagnosis:Trunks:Providers has {string.Join(", ", configured)}",
                    "The provider's calls match no endpoint and are rejected.",
                    $"Add to pjsip.conf: [{provider.Endpoint}-identify] type=identify, endpoint={provider.Endpoint}, "
                    + string.Join(", ", configured.Select(r => $"match={r}"))));
                continue;
            }

            var matched = identifies.SelectMany(i => i.GetAll("match").SelectMany(m => m.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    .Select(m => (Identify: i, Network: Network(m))))
                .Where(m => m.Network is not null).Select(m => (m.Identify, Network: m.Network!.Value)).ToList();
            var first = identifies[0];
            var missing = configured.Where(r => !matched.Any(m => Within(r, m.Network))).ToList();
            var extra = matched.Where(m => !configured.Any(r => Within(m.Network, r))).ToList();
            foreach (var range in missing)
            {
                findings.Add(new DoctorFinding("pjsip.identify.provider_ranges", FindingSeverity.Warning, $"{first.Location}",
                    $"does not match {range}, a range of the provider in Diagnosis:Trunks:Providers[{provider.Endpoint}]",
                    "Requests from there are rejected as \"No matching endpoint found\".",
                    $"In {first.File} [{first.Name}] add: match={range}"));
            }

            foreach (var (identify, network) in extra)
            {
                findings.Add(new DoctorFinding("pjsip.identify.provider_ranges", FindingSeverity.Warning, $"{identify.Location}",
                    $"matches {network}, which is not in Diagnosis:Trunks:Providers[{provider.Endpoint}].Ranges",
                    "The agent does not know it as the provider's: it is not whitelisted and can be banned.",
                    $"Add \"{network}\" to Diagnosis:Trunks:Providers[{provider.Endpoint}].Ranges in watchdog.json (or drop the match if the provider left it)."));
            }

            if (missing.Count == 0 && extra.Count == 0)
            {
                findings.Add(DoctorFinding.Ok("pjsip.identify.provider_ranges", subject, $"match= agrees with the provider ranges {string.Join(", ", configured)}"));
            }
        }

        return findings;
    }

    /// <summary>A <c>match=</c> value as a network: an address (a /32 or /128) or a CIDR; null for a host name.</summary>
    private static IPNetwork? Network(string match)
    {
        if (IPAddress.TryParse(match, out var address))
        {
            address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(match, out var network) ? network : null;
    }

    private static bool Within(IPNetwork inner, IPNetwork outer) =>
        inner.BaseAddress.AddressFamily == outer.BaseAddress.AddressFamily && inner.PrefixLength >= outer.PrefixLength && outer.Contains(inner.BaseAddress);
}
