using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Probes;

/// <summary>
/// Judges each configured SIP domain the way an RFC 3263 client resolves it: NAPTR → SRV (<c>_sip._udp</c>,
/// <c>_sip._tcp</c>, <c>_sips._tcp</c>) → the SRV targets' A/AAAA, which must lead to this host's public addresses and
/// ports. The bare domain's A/AAAA matter only as the fallback when the domain has no SRV at all (otherwise they are
/// usually the company website's and are reported as not used); AAAA matters only when an expected address is a global
/// IPv6 one. Asks <see cref="SipDnsOptions.Server"/>, or the system's nameservers from resolv.conf. Remembers the last
/// answers and reports what changed. Runs may not overlap.
/// </summary>
public sealed class SipDnsCheck
{
    private const string NoRecords = "(none)";
    private static readonly (SipDnsRecord Record, string Service, string Prefix)[] Services =
    [
        (SipDnsRecord.SrvUdp, "SIP+D2U", "_sip._udp"),
        (SipDnsRecord.SrvTcp, "SIP+D2T", "_sip._tcp"),
        (SipDnsRecord.SrvTls, "SIPS+D2T", "_sips._tcp"),
    ];

    private readonly SipDnsOptions _options;
    private readonly SipDnsMetrics _metrics;
    private readonly ILogger<SipDnsCheck> _logger;
    private readonly ConcurrentDictionary<(string, SipDnsRecord), string> _lastAnswers = new();
    private DnsAsker? _asker;

    /// <summary>Creates the check; options must be valid.</summary>
    public SipDnsCheck(SipDnsOptions options, SipDnsMetrics metrics, ILogger<SipDnsCheck> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Checks every domain and record; results in configuration order. A missing server makes every record a problem.</summary>
    public async Task<IReadOnlyList<SipDnsResult>> RunAsync(CancellationToken cancellationToken)
    {
        var asker = Asker();
        var results = new List<SipDnsResult>();
        foreach (var domain in _options.Domains)
        {
            foreach (var (record, verdict) in await CheckDomainAsync(asker, domain, cancellationToken).ConfigureAwait(false))
            {
                var result = Remember(domain.Name, record, verdict);
                _metrics.Observe(result);
                if (!result.Ok)
                {
                    LogMessages.DnsProblem(_logger, domain.Name, SipDnsRecordLabel.Of(record), result.Detail);
                }

                if (result.Changed)
                {
                    LogMessages.DnsChanged(_logger, domain.Name, SipDnsRecordLabel.Of(record), result.PreviousAnswer ?? "", result.Answer);
                }

                results.Add(result);
            }
        }

        return results;
    }

    // resolv.conf is read at every run: DHCP or an operator may change it under a running agent.
    private DnsAsker Asker()
    {
        var servers = _options.ServerEndPoints();
        if (_asker is null || _asker.Servers != string.Join(",", servers))
        {
            _asker = new DnsAsker(servers, _options.QueryTimeout, _options.Retries, _options.NoServerProblem);
        }

        return _asker;
    }

    private SipDnsResult Remember(string domain, SipDnsRecord record, Verdict verdict)
    {
        var key = (domain.ToLowerInvariant(), record);
        var changed = _lastAnswers.TryGetValue(key, out var previous) && previous != verdict.Answer;
        _lastAnswers[key] = verdict.Answer;
        return new SipDnsResult(domain, record, verdict.Ok, verdict.Detail, verdict.Answer, changed, changed ? previous : null)
        {
            NotUsed = verdict.NotUsed,
        };
    }

    private static async Task<List<(SipDnsRecord, Verdict)>> CheckDomainAsync(DnsAsker asker, SipDomain domain, CancellationToken cancellationToken)
    {
        var name = domain.Name.TrimEnd('.');
        var pbx = new Pbx(domain.Addresses(), domain.HasGlobalIPv6);
        var wanted = Services
            .Select(s => (s.Record, s.Service, SrvName: $"{s.Prefix}.{name}", Port: PortOf(domain, s.Record)))
            .ToList();

        var naptr = await asker.AskAsync<NAPtrRecord>(name, QueryType.NAPTR, cancellationToken).ConfigureAwait(false);
        var verdicts = new List<(SipDnsRecord, Verdict)>
        {
            (SipDnsRecord.Naptr, Naptr(naptr, wanted.Where(w => w.Port is not null).Select(w => (w.Service, w.SrvName)).ToList(), domain.RequireNaptr)),
        };

        // Every SRV name is asked, checked or not: any SRV at all takes the bare domain off the resolution path.
        var srvExists = false;
        foreach (var service in wanted)
        {
            var srv = await asker.AskAsync<SrvRecord>(service.SrvName, QueryType.SRV, cancellationToken).ConfigureAwait(false);
            srvExists |= srv.Outcome == DnsOutcome.Found;
            if (service.Port is { } port)
            {
                verdicts.Add((service.Record, await SrvAsync(asker, service.SrvName, srv, port, pbx, cancellationToken).ConfigureAwait(false)));
            }
        }

        var a = await asker.AskAsync<AddressRecord>(name, QueryType.A, cancellationToken).ConfigureAwait(false);
        var aaaa = await asker.AskAsync<AddressRecord>(name, QueryType.AAAA, cancellationToken).ConfigureAwait(false);
        verdicts.Add((SipDnsRecord.A, srvExists ? NotUsed(QueryType.A, a) : Fallback(QueryType.A, a, pbx, pbx.V4.Count > 0)));
        verdicts.Add((SipDnsRecord.Aaaa, srvExists ? NotUsed(QueryType.AAAA, aaaa) : Fallback(QueryType.AAAA, aaaa, pbx, pbx.HasGlobalV6)));
        return verdicts;
    }

    private static int? PortOf(SipDomain domain, SipDnsRecord record) => record switch
    {
        SipDnsRecord.SrvUdp => domain.UdpPort,
        SipDnsRecord.SrvTcp => domain.TcpPort,
        _ => domain.TlsPort,
    };

    private static Verdict Naptr(DnsLookup<NAPtrRecord> lookup, IReadOnlyList<(string Service, string SrvName)> wanted, bool required)
    {
        if (!lookup.Answered)
        {
            return Problem(lookup.Text, lookup);
        }

        var records = lookup.Records;
        var answer = Join(records.Select(r => $"{r.Order} {r.Preference} {r.Flags} {r.Services} {Host(r.Replacement.Value)}"));
        if (records.Count == 0)
        {
            return required
                ? new Verdict(false, $"no NAPTR records: RFC 3263 clients fall back to guessing transports ({lookup.Text})", answer)
                : new Verdict(true, $"ok (no NAPTR, not required: {lookup.Text})", answer);
        }

        var missing = wanted
            .Where(w => !records.Any(r => string.Equals(r.Services, w.Service, StringComparison.OrdinalIgnoreCase)
                && string.Equals(Host(r.Replacement.Value), w.SrvName, StringComparison.OrdinalIgnoreCase)))
            .Select(w => $"{w.Service} -> {w.SrvName}")
            .ToList();
        return missing.Count == 0
            ? new Verdict(true, "ok", answer)
            : new Verdict(false, "NAPTR lacks " + string.Join(", ", missing), answer);
    }

    private static async Task<Verdict> SrvAsync(
        DnsAsker asker, string srvName, DnsLookup<SrvRecord> lookup, int port, Pbx pbx, CancellationToken cancellationToken)
    {
        if (!lookup.Answered)
        {
            return Problem(lookup.Text, lookup);
        }

        if (lookup.Records.Count == 0)
        {
            return new Verdict(false, $"no SRV records at {srvName}: {lookup.Text}", NoRecords);
        }

        var lines = new List<string>();
        var problems = new List<string>();
        foreach (var srv in lookup.Records)
        {
            var target = Host(srv.Target.Value);
            var a = await asker.AskAsync<AddressRecord>(target, QueryType.A, cancellationToken).ConfigureAwait(false);
            var aaaa = await asker.AskAsync<AddressRecord>(target, QueryType.AAAA, cancellationToken).ConfigureAwait(false);
            var addresses = a.Records.Concat(aaaa.Records).Select(r => r.Address.ToString()).ToList();
            lines.Add($"{srv.Priority} {srv.Weight} {srv.Port} {target} -> {string.Join(",", addresses.Order(StringComparer.Ordinal))}");
            if (srv.Port != port)
            {
                problems.Add($"{target} port {srv.Port}, expected {port}");
            }

            foreach (var (family, matters) in new[] { (a, pbx.V4.Count > 0), (aaaa, pbx.HasGlobalV6) })
            {
                if (!family.Answered)
                {
                    problems.Add($"{target}: {family.Text}");
                }
                else if (matters && family.Records.Count == 0)
                {
                    problems.Add($"{target} has no {(family == a ? "A" : "AAAA")} record ({family.Text})");
                }
            }

            if (addresses.Count == 0 && a.Answered && aaaa.Answered && pbx.V4.Count == 0 && !pbx.HasGlobalV6)
            {
                problems.Add($"{target} has no address");
            }
            else if (pbx.Foreign(addresses) is { Count: > 0 } foreign)
            {
                problems.Add($"{target} resolves to {string.Join(",", foreign)}, not this host");
            }
        }

        return new Verdict(problems.Count == 0, problems.Count == 0 ? "ok" : string.Join("; ", problems), Join(lines));
    }

    /// <summary>The bare domain's A/AAAA when SRV exists: RFC 3263 clients never look at them; shown, never a problem.</summary>
    private static Verdict NotUsed(QueryType type, DnsLookup<AddressRecord> lookup)
    {
        var seen = lookup.Outcome == DnsOutcome.Found ? $"{type} {Join(lookup.Records.Select(r => r.Address.ToString()))}" : lookup.Text;
        return new Verdict(true, $"not used: SRV exists, so clients go to the SRV targets ({seen})", AnswerOf(lookup)) { NotUsed = true };
    }

    /// <summary>The bare domain's A/AAAA when there is no SRV: RFC 3263's fallback, so they must lead to this host.</summary>
    private static Verdict Fallback(QueryType type, DnsLookup<AddressRecord> lookup, Pbx pbx, bool required)
    {
        if (!lookup.Answered)
        {
            return Problem(lookup.Text, lookup);
        }

        var found = lookup.Records.Select(r => r.Address.ToString()).ToList();
        var answer = Join(found);
        var family = type == QueryType.A ? "IPv4" : "global IPv6";
        if (found.Count == 0)
        {
            return required
                ? new Verdict(false, $"no SRV and no {type} record: RFC 3263 clients cannot reach this host over {(type == QueryType.A ? "IPv4" : "IPv6")} ({lookup.Text})", answer)
                : new Verdict(true, $"ok (no {type}; this host has no {family} address)", answer);
        }

        if (pbx.Foreign(found) is { Count: > 0 } foreign)
        {
            return required
                ? new Verdict(false, $"no SRV, so clients use the domain's {type}: {string.Join(",", foreign)} is not this host ({string.Join(",", pbx.Expected)})", answer)
                : new Verdict(false, $"{type} {answer} exists but this host has no {family} address: dual-stack clients try it first", answer);
        }

        return new Verdict(true, "ok (used: the domain has no SRV)", answer);
    }

    private static Verdict Problem<T>(string detail, DnsLookup<T> lookup)
        where T : DnsResourceRecord => new(false, detail, AnswerOf(lookup));

    private static string AnswerOf(DnsLookup<AddressRecord> lookup) =>
        lookup.Answered ? Join(lookup.Records.Select(r => r.Address.ToString())) : "error: " + lookup.Text;

    private static string AnswerOf<T>(DnsLookup<T> lookup)
        where T : DnsResourceRecord => lookup.Answered ? NoRecords : "error: " + lookup.Text;

    private static string Host(string name) => name.TrimEnd('.').ToLowerInvariant();

    private static string Join(IEnumerable<string> lines) =>
        string.Join(" | ", lines.Order(StringComparer.Ordinal)) is { Length: > 0 } text ? text : NoRecords;

    /// <summary>Where the records must lead: the expected addresses, and whether IPv6 matters at all.</summary>
    private sealed record Pbx(IReadOnlyList<IPAddress> Expected, bool HasGlobalV6)
    {
        public IReadOnlyList<IPAddress> V4 { get; } = Expected.Where(e => e.AddressFamily == AddressFamily.InterNetwork).ToList();

        public List<string> Foreign(IEnumerable<string> addresses) =>
            addresses.Where(a => !Expected.Any(e => e.ToString() == a)).ToList();
    }

    private sealed record Verdict(bool Ok, string Detail, string Answer)
    {
        public bool NotUsed { get; init; }
    }
}
