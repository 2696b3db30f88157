using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Healing;

/// <summary>Whether a registration's <c>server_uri</c> host resolves (a fake in tests).</summary>
public interface IServerNameResolver
{
    /// <summary>True when the host resolves, false when it does not (or the lookup failed), null when it is an address or empty.</summary>
    Task<bool?> ResolvesAsync(string serverUri, CancellationToken ct);
}

/// <summary>
/// <see cref="IServerNameResolver"/> through the system resolver, as Asterisk on this host sees it: the C library's
/// lookup (<c>/etc/hosts</c>, then the nameservers of resolv.conf). A name without addresses still resolves when the
/// URI names no port and the domain publishes SIP SRV records whose target resolves (RFC 3263: what Asterisk does).
/// A lookup that fails or takes longer than the timeout counts as "does not resolve": Asterisk's would fail too.
/// </summary>
/// <param name="timeout">Per lookup.</param>
/// <param name="nameservers">Where SRV records are asked (default: the nameservers of <c>/etc/resolv.conf</c>, read at each lookup).</param>
public sealed class SystemServerNameResolver(TimeSpan timeout, Func<IReadOnlyList<IPEndPoint>>? nameservers = null) : IServerNameResolver
{
    private static readonly string[] SrvPrefixes = ["_sip._udp", "_sip._tcp", "_sips._tcp"];

    /// <inheritdoc />
    public async Task<bool?> ResolvesAsync(string serverUri, CancellationToken ct)
    {
        var host = SipUri.Host(serverUri ?? "");
        if (host.Length == 0 || IPAddress.TryParse(host, out _))
        {
            return null;
        }

        if (await HasAddressAsync(host, ct).ConfigureAwait(false))
        {
            return true;
        }

        return !SipUri.HasPort(serverUri!) && await SrvTargetResolvesAsync(host, ct).ConfigureAwait(false);
    }

    private async Task<bool> HasAddressAsync(string host, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            return (await Dns.GetHostAddressesAsync(host, bounded.Token).ConfigureAwait(false)).Length > 0;
        }
        catch (SocketException)
        {
            return false; // HostNotFound, NoData, TryAgain: not resolvable now
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false; // the resolver did not answer in time
        }
    }

    private async Task<bool> SrvTargetResolvesAsync(string host, CancellationToken ct)
    {
        var servers = nameservers?.Invoke() ?? ResolvConf.Nameservers(ResolvConf.DefaultPath);
        var asker = new DnsAsker(servers, timeout, 0, "no nameserver");
        foreach (var prefix in SrvPrefixes)
        {
            var srv = await asker.AskAsync<SrvRecord>($"{prefix}.{host}", QueryType.SRV, ct).ConfigureAwait(false);
            foreach (var target in srv.Records.Select(r => r.Target.Value.TrimEnd('.')))
            {
                if (await HasAddressAsync(target, ct).ConfigureAwait(false))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
