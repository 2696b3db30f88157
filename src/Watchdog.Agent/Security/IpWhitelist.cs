using System.Net;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Security;

/// <summary>Answers "may this address ever be banned?". Loopback (127.0.0.0/8, ::1) is always whitelisted.</summary>
public sealed class IpWhitelist
{
    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];
    private readonly IPNetwork[] _networks;
    private readonly HashSet<IPAddress> _addresses;

    /// <summary>Builds the list from networks and single addresses (e.g. this host's, from <see cref="IHostAddressProvider"/>).</summary>
    public IpWhitelist(IEnumerable<IPNetwork> networks, IEnumerable<IPAddress> addresses)
    {
        _networks = [.. Loopback, .. networks.Distinct()];
        _addresses = [.. addresses.Select(IpLiteral.Normalize)];
    }

    /// <summary>Every network never banned: loopback, the configured networks and the trunk providers' ranges.</summary>
    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>Single addresses never banned (this host's own, when <see cref="IncludesHostAddresses"/>).</summary>
    public IReadOnlyList<IPAddress> Addresses => [.. _addresses.OrderBy(a => a.AddressFamily).ThenBy(a => a.ToString(), StringComparer.Ordinal)];

    /// <summary>True when this host's own addresses were added (<see cref="WhitelistOptions.IncludeHostAddresses"/>).</summary>
    public bool IncludesHostAddresses { get; private init; }

    /// <summary>
    /// From options and the trunk providers' ranges (<c>Diagnosis:Trunks:Providers</c>, the one place they are
    /// configured: a provider is never banned); <paramref name="hostAddresses"/> defaults to this machine's interface
    /// addresses when enabled.
    /// </summary>
    public static IpWhitelist Create(WhitelistOptions options, IEnumerable<IPAddress>? hostAddresses = null, IEnumerable<string>? providerRanges = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var own = options.IncludeHostAddresses ? hostAddresses ?? new NetworkInterfaceAddressProvider().GetAddresses() : [];
        var providers = (providerRanges ?? []).Select(r => IPNetwork.Parse(r));
        return new IpWhitelist(options.Networks.Select(n => IPNetwork.Parse(n)).Concat(providers), own)
        {
            IncludesHostAddresses = options.IncludeHostAddresses,
        };
    }

    /// <summary>True when <paramref name="address"/> (IPv4-mapped IPv6 counts as its IPv4) must never be banned.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpLiteral.Normalize(address);
        if (_addresses.Contains(address))
        {
            return true;
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
