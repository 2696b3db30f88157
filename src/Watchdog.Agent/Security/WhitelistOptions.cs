using System.Net;

namespace Watchdog.Agent.Security;

/// <summary>Addresses that are never banned.</summary>
public sealed record WhitelistOptions
{
    /// <summary>CIDR ranges (IPv4 or IPv6), e.g. the SIP provider's 81.88.86.0/24 and 81.88.88.0/24. Loopback is always included.</summary>
    public IReadOnlyList<string> Networks { get; set; } = ["81.88.86.0/24", "81.88.88.0/24"];

    /// <summary>Also never ban the addresses of this host's own interfaces.</summary>
    public bool IncludeHostAddresses { get; set; } = true;

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var network in Networks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                problems.Add($"{nameof(Networks)}: '{network}' is not a CIDR range (like 81.88.86.0/24 or 2001:db8::/32).");
            }
        }

        return problems;
    }
}
