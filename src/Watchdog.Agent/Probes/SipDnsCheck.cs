using System.Collections.Concurrent;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Watchdog.Agent.Probes;

/// <summary>The record sets checked per domain; <see cref="SipDnsRecordLabel.Of"/> gives the metric label.</summary>
public enum SipDnsRecord
{
    /// <summary>NAPTR of the domain, pointing at the SRV names.</summary>
    Naptr,
    /// <summary><c>_sip._udp</c> SRV.</summary>
    SrvUdp,
    /// <summary><c>_sip._tcp</c> SRV.</summary>
    SrvTcp,
    /// <summary><c>_sips._tcp</c> SRV.</summary>
    SrvTls,
    /// <summary>A of the domain.</summary>
    A,
    /// <summary>AAAA of the domain.</summary>
    Aaaa,
}

/// <summary>Metric label values of <see cref="SipDnsRecord"/>.</summary>
public static class SipDnsRecordLabel
{
    /// <summary>naptr, srv_udp, srv_tcp, srv_tls, a or aaaa.</summary>
    public static string Of(SipDnsRecord record) => record switch
    {
        SipDnsRecord.Naptr => "naptr",
        SipDnsRecord.SrvUdp => "srv_udp",
        SipDnsRecord.SrvTcp => "srv_tcp",
        SipDnsRecord.SrvTls => "srv_tls",
        SipDnsRecord.A => "a",
        SipDnsRecord.Aaaa => "aaaa",
        _ => throw new ArgumentOutOfRangeException(nameof(record), record, null),
    };
}

/// <summary>The verdict on one record set of one domain.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Record">Which record set.</param>
/// <param name="Ok">It exists (or is rightly absent) and leads to this host.</param>
/// <param name="Detail">What is wrong, or "ok".</param>
/// <param name="Answer">The answer in a stable, sorted text form (what change detection compares).</param>
/// <param name="Changed">The answer differs from the previous run's.</param>
/// <param name="PreviousAnswer">The previous run's answer when <paramref name="Changed"/>.</param>
public sealed record SipDnsResult(string Domain, SipDnsRecord Record, bool Ok, string Detail, string Answer, bool Changed, string? PreviousAnswer);

/// <summary><c>watchdog_dns_check_ok{domain,record}</c> and <c>watchdog_dns_answer_changes_total{domain,record}</c>.</summary>
public sealed class SipDnsMetrics
{
    private readonly Gauge _ok;
    private readonly Counter _changes;

    /// <summary>Creates the metrics in <paramref name="factory"/>.</summary>
    public SipDnsMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _ok = factory.CreateGauge("watchdog_dns_check_ok", "1 when the SIP DNS record set exists and leads to this host's public address and port.",
            new GaugeConfiguration { LabelNames = ["domain", "record"] });
        _changes = factory.CreateCounter("watchdog_dns_answer_changes_total", "Times a SIP DNS answer differed from the previous check.",
            new CounterConfiguration { LabelNames = ["domain", "record"] });
    }

    /// <summary>Publishes one result.</summary>
    public void Observe(SipDnsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var label = SipDnsRecordLabel.Of(result.Record);
        _ok.WithLabels(result.Domain, label).Set(result.Ok ? 1 : 0);
        if (result.Changed)
        {
            _changes.WithLabels(result.Domain, label).Inc();
        }
    }
}

/// <summary>
/// Asks one DNS server for the NAPTR, SRV (<c>_sip._udp</c>, <c>_sip._tcp</c>, <c>_sips._tcp</c>) and A/AAAA records of each
/// configured SIP domain and checks they lead to this host's public address and ports. Remembers the last answers
/// and reports what changed. Runs may not overlap.
/// </summary>
public sealed class SipDnsCheck
{
    private const string NoRecords = "(none)";
    private readonly SipDnsOptions _options;
    private readonly SipDnsMetrics _metrics;
    private readonly ILogger<SipDnsCheck> _logger;
    private readonly LookupClient _client;
    private readonly ConcurrentDictionary<(string, SipDnsRecord), string> _lastAnswers = new();

    /// <summary>Creates the check; options must be valid.</summary>
    public SipDnsCheck(SipDnsOptions options, SipDnsMetrics metrics, ILogger<SipDnsCheck> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _client = new LookupClient(new LookupClientOptions(new NameServer(options.ServerEndPoint))
        {
            UseCache = false,
            Timeout = options.QueryTimeout,
            Retries = options.Retries,
            UseTcpFallback = true,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
        });
    }

    /// <summary>Checks every domain and record; results in configuration order.</summary>
    public async Task<IReadOnlyList<SipDnsResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<SipDnsResult>();
        foreach (var domain in _options.Domains)
        {
            foreach (var (record, verdict) in await CheckDomainAsync(domain, cancellationToken).ConfigureAwait(false))
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

    private SipDnsResult Remember(string domain, SipDnsRecord record, Verdict verdict)
    {
        var key = (domain.ToLowerInvariant(), record);
        var changed = _lastAnswers.TryGetValue(key, out var previous) && previous != verdict.Answer;
        _lastAnswers[key] = verdict.Answer;
        return new SipDnsResult(domain, record, verdict.Ok, verdict.Detail, verdict.Answer, changed, changed ? previous : null);
    }

    private async Task<List<(SipDnsRecord, Verdict)>> CheckDomainAsync(SipDomain domain, CancellationToken cancellationToken)
    {
        var name = domain.Name.TrimEnd('.');
        var expected = domain.Addresses;
        var services = new List<(SipDnsRecord Record, string Service, string SrvName, int Port)>();
        if (domain.UdpPort is { } udp)
        {
            services.Add((SipDnsRecord.SrvUdp, "SIP+D2U", $"_sip._udp.{name}", udp));
        }

        if (domain.TcpPort is { } tcp)
        {
            services.Add((SipDnsRecord.SrvTcp, "SIP+D2T", $"_sip._tcp.{name}", tcp));
        }

        if (domain.TlsPort is { } tls)
        {
            services.Add((SipDnsRecord.SrvTls, "SIPS+D2T", $"_sips._tcp.{name}", tls));
        }

        var verdicts = new List<(SipDnsRecord, Verdict)>
        {
            (SipDnsRecord.Naptr, await NaptrAsync(name, services.Select(s => (s.Service, s.SrvName)).ToList(), domain.RequireNaptr, cancellationToken)
                .ConfigureAwait(false)),
        };
        foreach (var service in services)
        {
            verdicts.Add((service.Record, await SrvAsync(service.SrvName, service.Port, expected, cancellationToken).ConfigureAwait(false)));
        }

        var v4 = expected.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).ToList();
        var v6 = expected.Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6).ToList();
        if (v4.Count > 0)
        {
            verdicts.Add((SipDnsRecord.A, await AddressAsync(name, QueryType.A, v4, cancellationToken).ConfigureAwait(false)));
        }

        verdicts.Add((SipDnsRecord.Aaaa, await AddressAsync(name, QueryType.AAAA, v6, cancellationToken).ConfigureAwait(false)));
        return verdicts;
    }

    private async Task<Verdict> NaptrAsync(string name, IReadOnlyList<(string Service, string SrvName)> wanted, bool required, CancellationToken cancellationToken)
    {
        var (records, error) = await QueryAsync<NAPtrRecord>(name, QueryType.NAPTR, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return new Verdict(false, error, "error: " + error);
        }

        var answer = Join(records.Select(r => $"{r.Order} {r.Preference} {r.Flags} {r.Services} {Host(r.Replacement.Value)}"));
        if (records.Count == 0)
        {
            return new Verdict(!required, required ? "no NAPTR records: RFC 3263 clients fall back to guessing transports" : "ok (no NAPTR, not required)", answer);
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

    private async Task<Verdict> SrvAsync(string srvName, int port, IReadOnlyList<IPAddress> expected, CancellationToken cancellationToken)
    {
        var (records, error) = await QueryAsync<SrvRecord>(srvName, QueryType.SRV, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return new Verdict(false, error, "error: " + error);
        }

        if (records.Count == 0)
        {
            return new Verdict(false, $"no SRV records at {srvName}", NoRecords);
        }

        var lines = new List<string>();
        var problems = new List<string>();
        foreach (var srv in records)
        {
            var target = Host(srv.Target.Value);
            var addresses = await ResolveAsync(target, cancellationToken).ConfigureAwait(false);
            lines.Add($"{srv.Priority} {srv.Weight} {srv.Port} {target} -> {string.Join(",", addresses.Order(StringComparer.Ordinal))}");
            if (srv.Port != port)
            {
                problems.Add($"{target} port {srv.Port}, expected {port}");
            }

            if (addresses.Count == 0)
            {
                problems.Add($"{target} has no address");
            }
            else if (addresses.Where(a => !expected.Any(e => e.ToString() == a)).ToList() is { Count: > 0 } foreign)
            {
                problems.Add($"{target} resolves to {string.Join(",", foreign)}, not this host");
            }
        }

        return new Verdict(problems.Count == 0, problems.Count == 0 ? "ok" : string.Join("; ", problems), Join(lines));
    }

    private async Task<Verdict> AddressAsync(string name, QueryType type, IReadOnlyList<IPAddress> expected, CancellationToken cancellationToken)
    {
        var (records, error) = await QueryAsync<AddressRecord>(name, type, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return new Verdict(false, error, "error: " + error);
        }

        var found = records.Select(r => r.Address.ToString()).ToList();
        var answer = Join(found);
        if (expected.Count == 0)
        {
            return found.Count == 0
                ? new Verdict(true, "ok (none, none expected)", answer)
                : new Verdict(false, $"{type} {answer} exists but no {type} address is expected: dual-stack clients try it first", answer);
        }

        if (found.Count == 0)
        {
            return new Verdict(false, $"no {type} record", answer);
        }

        var foreign = found.Where(f => !expected.Any(e => e.ToString() == f)).ToList();
        return foreign.Count == 0
            ? new Verdict(true, "ok", answer)
            : new Verdict(false, $"{type} {string.Join(",", foreign)} is not this host ({string.Join(",", expected)})", answer);
    }

    private async Task<List<string>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = new List<string>();
        foreach (var type in new[] { QueryType.A, QueryType.AAAA })
        {
            var (records, _) = await QueryAsync<AddressRecord>(host, type, cancellationToken).ConfigureAwait(false);
            addresses.AddRange(records.Select(r => r.Address.ToString()));
        }

        return addresses;
    }

    private async Task<(List<T> Records, string? Error)> QueryAsync<T>(string name, QueryType type, CancellationToken cancellationToken)
        where T : DnsResourceRecord
    {
        try
        {
            var response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
            {
                return ([], $"{type} {name}: {response.ErrorMessage}");
            }

            return (response.Answers.OfType<T>().ToList(), null);
        }
        catch (DnsResponseException e)
        {
            return ([], $"{type} {name}: {e.Code} {e.Message}");
        }
    }

    private static string Host(string name) => name.TrimEnd('.').ToLowerInvariant();

    private static string Join(IEnumerable<string> lines) =>
        string.Join(" | ", lines.Order(StringComparer.Ordinal)) is { Length: > 0 } text ? text : NoRecords;

    private sealed record Verdict(bool Ok, string Detail, string Answer);
}
