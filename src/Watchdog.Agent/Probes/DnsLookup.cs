using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Watchdog.Agent.Probes;

/// <summary>How a DNS question was answered: records, one of the two kinds of "no such record", or no usable answer.</summary>
internal enum DnsOutcome
{
    /// <summary>Records of the asked type.</summary>
    Found,
    /// <summary>NOERROR without records of the type: the name exists, the record set does not.</summary>
    NoData,
    /// <summary>NXDOMAIN: the name does not exist at all.</summary>
    NxDomain,
    /// <summary>The server refused to answer (REFUSED): not authoritative and not recursing for us.</summary>
    Refused,
    /// <summary>SERVFAIL: the server could not get an answer (its upstream or the zone is broken).</summary>
    ServerFailure,
    /// <summary>No reply in time, another response code, or a transport error.</summary>
    Failed,
}

/// <summary>One answer, with a text that says what it is.</summary>
/// <param name="Outcome">How it was answered.</param>
/// <param name="Records">The records of the asked type (empty unless <see cref="DnsOutcome.Found"/>).</param>
/// <param name="Text">What it means, for a detail line ("no such domain x", "x exists, no AAAA record", "the server refused …").</param>
internal sealed record DnsLookup<T>(DnsOutcome Outcome, IReadOnlyList<T> Records, string Text)
    where T : DnsResourceRecord
{
    /// <summary>An answer: records or a definite "no such record" (as opposed to no usable answer).</summary>
    public bool Answered => Outcome is DnsOutcome.Found or DnsOutcome.NoData or DnsOutcome.NxDomain;
}

/// <summary>Asks the configured servers one question at a time and names the outcome; never throws for DNS reasons.</summary>
internal sealed class DnsAsker
{
    private readonly LookupClient? _client;
    private readonly string _servers;
    private readonly string _noServer;

    /// <summary>Asks <paramref name="servers"/> in order; with none, every answer is <see cref="DnsOutcome.Failed"/> with <paramref name="noServer"/>.</summary>
    public DnsAsker(IReadOnlyList<IPEndPoint> servers, TimeSpan timeout, int retries, string noServer)
    {
        _servers = string.Join(",", servers);
        _noServer = noServer;
        if (servers.Count > 0)
        {
            _client = new LookupClient(new LookupClientOptions(servers.ToArray())
            {
                UseCache = false,
                Timeout = timeout,
                Retries = retries,
                UseTcpFallback = true,
                ThrowDnsErrors = false,
                ContinueOnDnsError = false,
                UseRandomNameServer = false,
            });
        }
    }

    /// <summary>The servers asked, for change detection of the server list.</summary>
    public string Servers => _servers;

    public async Task<DnsLookup<T>> AskAsync<T>(string name, QueryType type, CancellationToken cancellationToken)
        where T : DnsResourceRecord
    {
        if (_client is null)
        {
            return new(DnsOutcome.Failed, [], _noServer);
        }

        try
        {
            var response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            var code = response.Header.ResponseCode;
            if (code == DnsHeaderResponseCode.NoError)
            {
                var records = response.Answers.OfType<T>().ToList();
                return records.Count > 0
                    ? new(DnsOutcome.Found, records, "ok")
                    : new(DnsOutcome.NoData, [], $"domain {name} exists, no {type} record (NODATA)");
            }

            return code switch
            {
                DnsHeaderResponseCode.NotExistentDomain => new(DnsOutcome.NxDomain, [], $"no such domain {name} (NXDOMAIN)"),
                DnsHeaderResponseCode.Refused => new(DnsOutcome.Refused, [],
                    $"the server {_servers} refused {type} {name} (REFUSED: it neither holds the zone nor resolves it for this host)"),
                DnsHeaderResponseCode.ServerFailure => new(DnsOutcome.ServerFailure, [],
                    $"the server {_servers} failed on {type} {name} (SERVFAIL: it could not get an answer)"),
                _ => new(DnsOutcome.Failed, [], $"{type} {name}: {code} from {_servers}"),
            };
        }
        catch (DnsResponseException e)
        {
            var what = e.Code == DnsResponseCode.ConnectionTimeout ? "no answer in time" : e.Message;
            return new(DnsOutcome.Failed, [], $"{type} {name}: {what} from {_servers}");
        }
    }
}
