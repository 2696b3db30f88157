using Microsoft.Extensions.Logging.Testing;
using Watchdog.Agent.Diagnosis;
using Xunit.Abstractions;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>Against a real dnsmasq on loopback (see <see cref="Dnsmasq"/>).</summary>
public sealed class SipDnsCheckTests(ITestOutputHelper output)
{
    private const string Domain = "example.test";
    private const string Public = "203.0.113.10";

    private static readonly string[] GoodZone =
    [
        "--srv-host=_sip._udp.example.test,sip.example.test,5060,10,10",
        "--srv-host=_sip._tcp.example.test,sip.example.test,5060,10,10",
        "--srv-host=_sips._tcp.example.test,sip.example.test,5061,10,10",
        "--naptr-record=example.test,10,10,S,SIPS+D2T,,_sips._tcp.example.test",
        "--naptr-record=example.test,20,10,S,SIP+D2T,,_sip._tcp.example.test",
        "--naptr-record=example.test,30,10,S,SIP+D2U,,_sip._udp.example.test",
        "--host-record=sip.example.test,203.0.113.10",
        "--host-record=example.test,203.0.113.10",
    ];

    private readonly MetricsText _metrics = new();

    private SipDnsCheck Check(Dnsmasq dns, SipDomain? domain = null) =>
        new(new SipDnsOptions
            {
                Server = dns.Server,
                Domains = [domain ?? new SipDomain(Domain, [Public])],
                QueryTimeout = TimeSpan.FromSeconds(2),
            },
            new SipDnsMetrics(_metrics.Factory), new FakeLogger<SipDnsCheck>());

    private void Show(IEnumerable<SipDnsResult> results)
    {
        foreach (var r in results)
        {
            output.WriteLine($"{r.Record}: ok={r.Ok} changed={r.Changed} {r.Detail} [{r.Answer}]");
        }
    }

    private static Task<double?> Metric(MetricsText metrics, string record) =>
        metrics.ValueAsync($"watchdog_dns_check_ok{{domain=\"{Domain}\",record=\"{record}\"}}");

    [DnsmasqFact(Timeout = 30_000)]
    public async Task Naptr_srv_and_a_records_leading_to_this_host_are_all_ok()
    {
        await using var dns = await Dnsmasq.StartAsync(GoodZone, CancellationToken.None);

        var results = await Check(dns).RunAsync(CancellationToken.None);
        Show(results);

        Assert.Equal(
            [SipDnsRecord.Naptr, SipDnsRecord.SrvUdp, SipDnsRecord.SrvTcp, SipDnsRecord.SrvTls, SipDnsRecord.A, SipDnsRecord.Aaaa],
            results.Select(r => r.Record));
        Assert.All(results, r => Assert.True(r.Ok, $"{r.Record}: {r.Detail}"));
        Assert.Contains("10 10 5061 sip.example.test -> 203.0.113.10", results.Single(r => r.Record == SipDnsRecord.SrvTls).Answer,
            StringComparison.Ordinal);
        foreach (var label in new[] { "naptr", "srv_udp", "srv_tcp", "srv_tls", "a", "aaaa" })
        {
            Assert.Equal(1d, await Metric(_metrics, label));
        }
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task Srv_with_the_wrong_port_or_a_target_elsewhere_is_a_problem_per_record()
    {
        string[] zone =
        [
            "--srv-host=_sip._udp.example.test,sip.example.test,5080,10,10",
            "--srv-host=_sip._tcp.example.test,old.example.test,5060,10,10",
            "--naptr-record=example.test,30,10,S,SIP+D2U,,_sip._udp.example.test",
            "--host-record=sip.example.test,203.0.113.10",
            "--host-record=old.example.test,198.51.100.7",
            "--host-record=example.test,198.51.100.7,2001:db8::7",
        ];
        await using var dns = await Dnsmasq.StartAsync(zone, CancellationToken.None);

        var results = (await Check(dns).RunAsync(CancellationToken.None)).ToDictionary(r => r.Record);
        Show(results.Values);

        Assert.Contains("port 5080, expected 5060", results[SipDnsRecord.SrvUdp].Detail, StringComparison.Ordinal);
        Assert.Contains("198.51.100.7, not this host", results[SipDnsRecord.SrvTcp].Detail, StringComparison.Ordinal);
        Assert.Contains("no SRV records", results[SipDnsRecord.SrvTls].Detail, StringComparison.Ordinal);
        Assert.Contains("NAPTR lacks SIP+D2T", results[SipDnsRecord.Naptr].Detail, StringComparison.Ordinal);
        Assert.All(results.Values.Where(r => r.Record is not (SipDnsRecord.A or SipDnsRecord.Aaaa)), r => Assert.False(r.Ok));
        // SRV exists, so RFC 3263 clients never use the bare domain's A/AAAA (elsewhere here): shown, not a problem.
        Assert.All([results[SipDnsRecord.A], results[SipDnsRecord.Aaaa]], r =>
        {
            Assert.True(r.Ok, r.Detail);
            Assert.True(r.NotUsed);
            Assert.StartsWith("not used: SRV exists", r.Detail, StringComparison.Ordinal);
        });
        Assert.Contains("198.51.100.7", results[SipDnsRecord.A].Detail, StringComparison.Ordinal);
        Assert.Equal(0d, await Metric(_metrics, "srv_udp"));
        Assert.Equal(1d, await Metric(_metrics, "aaaa"));
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task Missing_naptr_is_a_problem_only_when_required()
    {
        string[] zone = [.. GoodZone.Where(a => !a.StartsWith("--naptr", StringComparison.Ordinal))];
        await using var dns = await Dnsmasq.StartAsync(zone, CancellationToken.None);

        var required = await Check(dns).RunAsync(CancellationToken.None);
        var optional = await Check(dns, new SipDomain(Domain, [Public], RequireNaptr: false)).RunAsync(CancellationToken.None);

        Assert.False(required.Single(r => r.Record == SipDnsRecord.Naptr).Ok);
        Assert.True(optional.Single(r => r.Record == SipDnsRecord.Naptr).Ok);
    }

    [DnsmasqFact(Timeout = 40_000)]
    public async Task A_changed_answer_between_runs_is_reported_as_changed()
    {
        var dns = await Dnsmasq.StartAsync(GoodZone, CancellationToken.None);
        var port = dns.Port;
        var check = Check(dns);
        IReadOnlyList<SipDnsResult> first;
        try
        {
            first = await check.RunAsync(CancellationToken.None);
        }
        finally
        {
            await dns.DisposeAsync();
        }

        string[] moved = [.. GoodZone.Select(a => a.Replace("--host-record=sip.example.test,203.0.113.10", "--host-record=sip.example.test,203.0.113.99",
            StringComparison.Ordinal))];
        await using var restarted = await Dnsmasq.StartAsync(moved, CancellationToken.None, port);
        var second = await check.RunAsync(CancellationToken.None);
        Show(second);

        Assert.All(first, r => Assert.False(r.Changed));
        var srv = second.Single(r => r.Record == SipDnsRecord.SrvUdp);
        Assert.True(srv.Changed);
        Assert.False(srv.Ok);
        Assert.Contains("203.0.113.10", srv.PreviousAnswer, StringComparison.Ordinal);
        Assert.Contains("203.0.113.99", srv.Answer, StringComparison.Ordinal);
        Assert.False(second.Single(r => r.Record == SipDnsRecord.A).Changed);
        Assert.Equal(1d, await _metrics.ValueAsync($"watchdog_dns_answer_changes_total{{domain=\"{Domain}\",record=\"srv_udp\"}}"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Unreachable_server_makes_every_record_a_problem_without_throwing()
    {
        // Nothing listens on the discard port of loopback for DNS; queries time out or are refused.
        var check = new SipDnsCheck(
            new SipDnsOptions { Server = "127.0.0.1:9", Domains = [new SipDomain(Domain, [Public])], QueryTimeout = TimeSpan.FromMilliseconds(300), Retries = 0 },
            new SipDnsMetrics(_metrics.Factory), new FakeLogger<SipDnsCheck>());

        var results = await check.RunAsync(CancellationToken.None);
        Show(results);

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.False(r.Ok));
    }

    [Fact(Timeout = 20_000)]
    public async Task Without_a_server_and_without_a_nameserver_in_resolv_conf_every_record_says_so()
    {
        var resolvConf = Path.Combine(Directory.CreateTempSubdirectory("watchdog-resolv-").FullName, "resolv.conf");
        await File.WriteAllTextAsync(resolvConf, "# nothing here\nsearch example.test\n");
        try
        {
            var options = new SipDnsOptions { ResolvConfPath = resolvConf, Domains = [new SipDomain(Domain, [Public])] };
            var check = new SipDnsCheck(options, new SipDnsMetrics(_metrics.Factory), new FakeLogger<SipDnsCheck>());

            var results = await check.RunAsync(CancellationToken.None);

            var problem = Assert.Single(options.Validate());
            Assert.Equal($"Server is not set and {resolvConf} has no usable nameserver line: set Diagnosis:Dns:Server to IP or IP:port.", problem);
            Assert.All(results, r => Assert.Equal(problem, r.Detail));
            Assert.All(results, r => Assert.False(r.Ok));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(resolvConf)!, recursive: true);
        }
    }

    [Fact]
    public void The_default_server_is_the_system_resolver_from_resolv_conf_and_an_explicit_server_wins()
    {
        var directory = Directory.CreateTempSubdirectory("watchdog-resolv-").FullName;
        try
        {
            var resolvConf = Path.Combine(directory, "resolv.conf");
            File.WriteAllText(resolvConf, "; generated\nnameserver 198.18.0.53\n# nameserver 192.0.2.1\nnameserver   2001:db8::53\n"
                + "nameserver fe80::1%eth0\nnameserver 198.18.0.54\noptions edns0\nnameserver not-an-address\n");

            var system = new SipDnsOptions { ResolvConfPath = resolvConf, Domains = [new SipDomain(Domain, [Public])] };

            Assert.Null(new SipDnsOptions().Server);
            Assert.Equal(ResolvConf.DefaultPath, new SipDnsOptions().ResolvConfPath);
            Assert.Equal(["198.18.0.53:53", "[2001:db8::53]:53", "[fe80::1]:53"], system.ServerEndPoints().Select(e => e.ToString()));
            Assert.Empty(system.Validate());
            Assert.Equal(["127.0.0.1:5353"], (system with { Server = "127.0.0.1:5353" }).ServerEndPoints().Select(e => e.ToString()));
            Assert.Equal(["127.0.0.1:53"], (system with { Server = "127.0.0.1" }).ServerEndPoints().Select(e => e.ToString()));
            Assert.Empty(ResolvConf.Nameservers(Path.Combine(directory, "missing")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new SipDnsOptions
        {
            Server = "dns.example",
            Domains = [new SipDomain("a b", [], UdpPort: 0), new SipDomain("x.test", ["not-an-ip"]), new SipDomain("X.test", ["192.0.2.1"])],
            QueryTimeout = TimeSpan.Zero,
            Retries = -1,
        }.Validate();

        Assert.Equal(8, problems.Count);
        Assert.Empty(new SipDnsOptions { Server = "127.0.0.1:5353", Domains = [new SipDomain("pbx.example.com", ["203.0.113.10", "2001:db8::10"])] }
            .Validate());
    }
}
