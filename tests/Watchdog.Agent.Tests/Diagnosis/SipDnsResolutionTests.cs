using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Testing;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Probes;
using Xunit.Abstractions;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// The SIP DNS check judged as RFC 3263 resolves a domain, against a real dnsmasq: the hardening guide's layout
/// (NAPTR → SRV → pbx host, the bare domain being the company website), the A/AAAA fallback without SRV, and
/// "no such record" told apart (NXDOMAIN, NODATA, REFUSED, SERVFAIL).
/// </summary>
public sealed class SipDnsResolutionTests(ITestOutputHelper output)
{
    private const string Domain = "mysite.test";
    private const string Pbx = "203.0.113.10";
    private const string WebHost = "198.51.100.80";

    private static readonly string[] HardeningGuideZone =
    [
        "--naptr-record=mysite.test,10,10,S,SIPS+D2T,,_sips._tcp.mysite.test",
        "--naptr-record=mysite.test,20,10,S,SIP+D2T,,_sip._tcp.mysite.test",
        "--naptr-record=mysite.test,30,10,S,SIP+D2U,,_sip._udp.mysite.test",
        "--srv-host=_sip._udp.mysite.test,pbx.mysite.test,5060,10,10",
        "--srv-host=_sip._tcp.mysite.test,pbx.mysite.test,5060,10,10",
        "--srv-host=_sips._tcp.mysite.test,pbx.mysite.test,5061,10,10",
        "--host-record=pbx.mysite.test,203.0.113.10",
        "--host-record=mysite.test,198.51.100.80", // the company website: a web host, and no AAAA
    ];

    private readonly MetricsText _metrics = new();

    private SipDnsCheck Check(Dnsmasq dns, params SipDomain[] domains) =>
        new(new SipDnsOptions { Server = dns.Server, Domains = domains, QueryTimeout = TimeSpan.FromSeconds(2), Retries = 0 },
            new SipDnsMetrics(_metrics.Factory), new FakeLogger<SipDnsCheck>());

    private Dictionary<SipDnsRecord, SipDnsResult> Show(IEnumerable<SipDnsResult> results)
    {
        var list = results.ToList();
        foreach (var r in list)
        {
            output.WriteLine($"{r.Domain} {r.Record}: ok={r.Ok} notUsed={r.NotUsed} {r.Detail} [{r.Answer}]");
        }

        return list.ToDictionary(r => r.Record);
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task Hardening_guide_domain_with_naptr_and_srv_to_the_pbx_is_all_ok_whatever_the_website_a_says()
    {
        await using var dns = await Dnsmasq.StartAsync(HardeningGuideZone, CancellationToken.None);

        var results = Show(await Check(dns, new SipDomain(Domain, [Pbx])).RunAsync(CancellationToken.None));

        Assert.All(results.Values, r => Assert.True(r.Ok, $"{r.Record}: {r.Detail}"));
        Assert.Equal([SipDnsRecord.A, SipDnsRecord.Aaaa], results.Values.Where(r => r.NotUsed).Select(r => r.Record));
        Assert.Contains($"A {WebHost}", results[SipDnsRecord.A].Detail, StringComparison.Ordinal);
        Assert.Contains("exists, no AAAA record (NODATA)", results[SipDnsRecord.Aaaa].Detail, StringComparison.Ordinal);
        Assert.Contains($"10 10 5061 pbx.mysite.test -> {Pbx}", results[SipDnsRecord.SrvTls].Answer, StringComparison.Ordinal);
        foreach (var label in new[] { "naptr", "srv_udp", "srv_tcp", "srv_tls", "a", "aaaa" })
        {
            Assert.Equal(1d, await _metrics.ValueAsync($"watchdog_dns_check_ok{{domain=\"{Domain}\",record=\"{label}\"}}"));
        }

        var report = new DoctorReport(results.Values.Select(DoctorFindings.FromDns).ToList());
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(FindingSeverity.Info, report.Findings.Single(f => f.Id == "dns.a").Severity);
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task Hardening_guide_domain_with_a_tls_srv_on_the_wrong_port_is_caught_and_nothing_else_is_blamed()
    {
        string[] zone = [.. HardeningGuideZone.Select(a => a.Replace("pbx.mysite.test,5061", "pbx.mysite.test,5062", StringComparison.Ordinal))];
        await using var dns = await Dnsmasq.StartAsync(zone, CancellationToken.None);

        var results = Show(await Check(dns, new SipDomain(Domain, [Pbx])).RunAsync(CancellationToken.None));

        Assert.False(results[SipDnsRecord.SrvTls].Ok);
        Assert.Equal("pbx.mysite.test port 5062, expected 5061", results[SipDnsRecord.SrvTls].Detail);
        Assert.All(results.Values.Where(r => r.Record != SipDnsRecord.SrvTls), r => Assert.True(r.Ok, $"{r.Record}: {r.Detail}"));
        Assert.Equal(0d, await _metrics.ValueAsync($"watchdog_dns_check_ok{{domain=\"{Domain}\",record=\"srv_tls\"}}"));
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task Without_any_srv_the_bare_domain_is_the_fallback_and_must_lead_to_the_pbx()
    {
        // No SRV port is checked here, yet every SRV name is asked: their absence is what makes A/AAAA the fallback.
        var fallbackOnly = new SipDomain(Domain, [Pbx], UdpPort: null, TcpPort: null, TlsPort: null, RequireNaptr: false);
        IReadOnlyList<SipDnsResult> atWebHost;
        await using (var dns = await Dnsmasq.StartAsync(["--host-record=mysite.test,198.51.100.80"], CancellationToken.None))
        {
            atWebHost = await Check(dns, fallbackOnly).RunAsync(CancellationToken.None);
        }

        await using var fixedDns = await Dnsmasq.StartAsync(["--host-record=mysite.test,203.0.113.10"], CancellationToken.None);
        var atPbx = Show(await Check(fixedDns, fallbackOnly).RunAsync(CancellationToken.None));
        var dualStack = Show(await Check(fixedDns, fallbackOnly with { ExpectedAddresses = [Pbx, "2001:db8::10"] }).RunAsync(CancellationToken.None));

        var web = Show(atWebHost);
        Assert.Equal([SipDnsRecord.Naptr, SipDnsRecord.A, SipDnsRecord.Aaaa], web.Keys);
        Assert.False(web[SipDnsRecord.A].Ok);
        Assert.False(web[SipDnsRecord.A].NotUsed);
        Assert.Equal($"no SRV, so clients use the domain's A: {WebHost} is not this host ({Pbx})", web[SipDnsRecord.A].Detail);
        var finding = DoctorFindings.FromDns(web[SipDnsRecord.A]);
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.StartsWith("Publish SRV records (_sip._udp, _sip._tcp, _sips._tcp) of mysite.test", finding.Fix, StringComparison.Ordinal);
        Assert.True(web[SipDnsRecord.Aaaa].Ok, web[SipDnsRecord.Aaaa].Detail);
        Assert.Equal("ok (no AAAA; this host has no global IPv6 address)", web[SipDnsRecord.Aaaa].Detail);

        Assert.All(atPbx.Values, r => Assert.True(r.Ok, $"{r.Record}: {r.Detail}"));
        Assert.Equal("ok (used: the domain has no SRV)", atPbx[SipDnsRecord.A].Detail);

        Assert.True(dualStack[SipDnsRecord.A].Ok);
        Assert.False(dualStack[SipDnsRecord.Aaaa].Ok);
        Assert.Equal("no SRV and no AAAA record: RFC 3263 clients cannot reach this host over IPv6 (domain mysite.test exists, no AAAA record (NODATA))",
            dualStack[SipDnsRecord.Aaaa].Detail);
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task Srv_target_needs_an_aaaa_only_where_the_pbx_has_a_global_ipv6_address()
    {
        await using var dns = await Dnsmasq.StartAsync(HardeningGuideZone, CancellationToken.None);

        var linkLocalOnly = Show(await Check(dns, new SipDomain(Domain, [Pbx, "fe80::10"])).RunAsync(CancellationToken.None));
        var global = Show(await Check(dns, new SipDomain(Domain, [Pbx, "2001:db8::10"])).RunAsync(CancellationToken.None));

        Assert.True(linkLocalOnly[SipDnsRecord.SrvUdp].Ok, linkLocalOnly[SipDnsRecord.SrvUdp].Detail);
        Assert.False(global[SipDnsRecord.SrvUdp].Ok);
        Assert.Equal("pbx.mysite.test has no AAAA record (domain pbx.mysite.test exists, no AAAA record (NODATA))", global[SipDnsRecord.SrvUdp].Detail);
        Assert.True(global[SipDnsRecord.Aaaa].NotUsed); // the bare domain still does not matter: SRV exists
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task No_such_record_is_reported_as_what_it_is_nxdomain_nodata_refused_servfail()
    {
        using var upstream = new ServfailUpstream();
        await using var dns = await Dnsmasq.StartAsync(
            ["--host-record=mysite.test,203.0.113.10", $"--server=/broken.invalid/127.0.0.1#{upstream.Port}"], CancellationToken.None);
        var optional = new SipDomain("x", [Pbx, "2001:db8::10"], RequireNaptr: false);

        var all = await Check(dns,
                optional with { Name = "nowhere.test" }, optional with { Name = Domain }, optional with { Name = "mysite.example" },
                optional with { Name = "pbx.broken.invalid" })
            .RunAsync(CancellationToken.None);
        var by = all.ToLookup(r => r.Domain);
        var nx = Show(by["nowhere.test"]);
        var nodata = Show(by[Domain]);
        var refused = Show(by["mysite.example"]);
        var servfail = Show(by["pbx.broken.invalid"]);

        Assert.Equal("ok (no NAPTR, not required: no such domain nowhere.test (NXDOMAIN))", nx[SipDnsRecord.Naptr].Detail);
        Assert.Equal("no SRV records at _sip._udp.nowhere.test: no such domain _sip._udp.nowhere.test (NXDOMAIN)", nx[SipDnsRecord.SrvUdp].Detail);
        Assert.EndsWith("(no such domain nowhere.test (NXDOMAIN))", nx[SipDnsRecord.A].Detail, StringComparison.Ordinal);
        Assert.Equal("ok (no NAPTR, not required: domain mysite.test exists, no NAPTR record (NODATA))", nodata[SipDnsRecord.Naptr].Detail);
        Assert.True(nodata[SipDnsRecord.A].Ok, nodata[SipDnsRecord.A].Detail);
        Assert.EndsWith("(domain mysite.test exists, no AAAA record (NODATA))", nodata[SipDnsRecord.Aaaa].Detail, StringComparison.Ordinal);
        Assert.All(refused.Values, r => Assert.False(r.Ok));
        Assert.StartsWith($"the server {dns.Server} refused NAPTR mysite.example (REFUSED", refused[SipDnsRecord.Naptr].Detail, StringComparison.Ordinal);
        Assert.Contains("refused A mysite.example (REFUSED", refused[SipDnsRecord.A].Detail, StringComparison.Ordinal);
        Assert.Contains("refused or failed", DoctorFindings.FromDns(refused[SipDnsRecord.Naptr]).Fix, StringComparison.Ordinal);
        Assert.All(servfail.Values, r => Assert.False(r.Ok));
        Assert.StartsWith($"the server {dns.Server} failed on NAPTR pbx.broken.invalid (SERVFAIL", servfail[SipDnsRecord.Naptr].Detail, StringComparison.Ordinal);
        Assert.StartsWith("error: ", servfail[SipDnsRecord.Naptr].Answer, StringComparison.Ordinal);
        Assert.True(upstream.Answered > 0);
    }

    /// <summary>An upstream for dnsmasq that answers every question SERVFAIL (dnsmasq passes it on), on a loopback port of its own.</summary>
    private sealed class ServfailUpstream : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();
        private int _answered;

        public ServfailUpstream() => _ = ServeAsync();

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

        public int Answered => Volatile.Read(ref _answered);

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    var query = await _socket.ReceiveAsync(_stop.Token);
                    if (query.Buffer.Length < 12) continue;
                    var end = 12; // the reply is the header and the question, without the query's EDNS record
                    while (end < query.Buffer.Length && query.Buffer[end] != 0) end += query.Buffer[end] + 1;
                    var reply = query.Buffer.AsSpan(0, Math.Min(end + 5, query.Buffer.Length)).ToArray();
                    reply[2] = (byte)(0x80 | (reply[2] & 0x01)); // QR, keep RD
                    reply[3] = 0x82; // RA, RCODE 2 = SERVFAIL
                    Array.Clear(reply, 6, 6); // no answer, authority or additional records
                    await _socket.SendAsync(reply, query.RemoteEndPoint, _stop.Token);
                    Interlocked.Increment(ref _answered);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // disposed
            }
            catch (ObjectDisposedException)
            {
                // disposed
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
