using System.Net;

namespace Watchdog.Agent.Probes;

/// <summary>A SIP domain and where its records must lead.</summary>
/// <param name="Name">The domain, e.g. <c>pbx.example.com</c>.</param>
/// <param name="ExpectedAddresses">This host's public addresses (IPv4 and/or IPv6) every SRV target (and, when the domain has no
/// SRV, the domain's own A/AAAA) must resolve to. AAAA records matter only when this list holds a global IPv6 address.</param>
/// <param name="UdpPort">Port <c>_sip._udp</c> must name; null to skip the check.</param>
/// <param name="TcpPort">Port <c>_sip._tcp</c> must name; null to skip the check.</param>
/// <param name="TlsPort">Port <c>_sips._tcp</c> must name; null to skip the check.</param>
/// <param name="RequireNaptr">Whether a missing NAPTR set is a problem (RFC 3263 clients then guess from SRV).</param>
public sealed record SipDomain(
    string Name, IReadOnlyList<string> ExpectedAddresses, int? UdpPort = 5060, int? TcpPort = 5060, int? TlsPort = 5061, bool RequireNaptr = true)
{
    internal IReadOnlyList<IPAddress> Addresses() => ExpectedAddresses.Select(IPAddress.Parse).ToList();

    /// <summary>Whether the PBX is reachable over IPv6 as far as DNS is concerned: an expected address is a global IPv6 one.</summary>
    internal bool HasGlobalIPv6 => Addresses().Any(Sources.AddressScope.IsGlobalIPv6);
}

/// <summary>Settings of <see cref="SipDnsCheck"/>.</summary>
public sealed record SipDnsOptions
{
    /// <summary>Most domains allowed, which bounds the <c>domain</c> label.</summary>
    public const int MaxDomains = 16;

    /// <summary>
    /// DNS server to ask, as <c>IP:port</c> (port 53 when left out). Empty (the default): the system's nameservers, read from
    /// <see cref="ResolvConfPath"/> at every run — what this host's own resolver, and Asterisk on it, use.
    /// </summary>
    public string? Server { get; set; }

    /// <summary>The resolv.conf read when <see cref="Server"/> is empty.</summary>
    public string ResolvConfPath { get; set; } = ResolvConf.DefaultPath;

    /// <summary>Domains to check.</summary>
    public IReadOnlyList<SipDomain> Domains { get; set; } = [];

    /// <summary>Time allowed per query.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries per query after a timeout.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Whether <see cref="Server"/> is set (it then wins over resolv.conf).</summary>
    public bool HasExplicitServer => !string.IsNullOrWhiteSpace(Server);

    /// <summary>
    /// The servers to ask, in order: <see cref="Server"/> when set (valid options only), otherwise the nameservers of
    /// <see cref="ResolvConfPath"/> as it is now; empty when it names none.
    /// </summary>
    public IReadOnlyList<IPEndPoint> ServerEndPoints()
    {
        if (!HasExplicitServer)
        {
            return ResolvConf.Nameservers(ResolvConfPath);
        }

        var endPoint = IPEndPoint.Parse(Server!.Trim());
        return [endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint];
    }

    /// <summary>Why there is no server to ask (for validation and for every result of a run without one).</summary>
    internal string NoServerProblem =>
        $"{nameof(Server)} is not set and {ResolvConfPath} has no usable nameserver line: set Diagnosis:Dns:Server to IP or IP:port.";

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (HasExplicitServer && !IPEndPoint.TryParse(Server!.Trim(), out _))
        {
            problems.Add($"{nameof(Server)} must be IP or IP:port (was '{Server}').");
        }
        else if (!HasExplicitServer && Domains.Count > 0 && ServerEndPoints().Count == 0)
        {
            problems.Add(NoServerProblem);
        }

        if (Domains.Count > MaxDomains)
        {
            problems.Add($"{nameof(Domains)} holds {Domains.Count} entries; at most {MaxDomains} are allowed.");
        }

        foreach (var domain in Domains)
        {
            if (string.IsNullOrWhiteSpace(domain.Name) || domain.Name.Length > 253 || domain.Name.Contains(' ', StringComparison.Ordinal))
            {
                problems.Add($"Domain '{domain.Name}' is not a domain name.");
            }

            if (domain.ExpectedAddresses.Count == 0)
            {
                problems.Add($"Domain '{domain.Name}' needs at least one expected address.");
            }

            foreach (var address in domain.ExpectedAddresses.Where(a => !IPAddress.TryParse(a, out _)))
            {
                problems.Add($"Domain '{domain.Name}' expected address '{address}' is not an IP address.");
            }

            foreach (var (name, port) in new[] { ("UdpPort", domain.UdpPort), ("TcpPort", domain.TcpPort), ("TlsPort", domain.TlsPort) })
            {
                if (port is < 1 or > 65535)
                {
                    problems.Add($"Domain '{domain.Name}' {name} must be 1..65535 (was {port}).");
                }
            }
        }

        foreach (var duplicate in Domains.GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Domain '{duplicate.Key}' is listed {duplicate.Count()} times.");
        }

        if (QueryTimeout <= TimeSpan.Zero || QueryTimeout > TimeSpan.FromSeconds(60))
        {
            problems.Add($"{nameof(QueryTimeout)} must be between 0 and 60 seconds (was {QueryTimeout}).");
        }

        if (Retries is < 0 or > 5)
        {
            problems.Add($"{nameof(Retries)} must be 0..5 (was {Retries}).");
        }

        return problems;
    }
}
