using System.Net;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Tests.Diagnosis;

namespace Watchdog.Agent.Tests.Healing;

/// <summary>
/// <see cref="SystemServerNameResolver"/>: the C library's lookup for names (<c>localhost</c> from /etc/hosts; names under
/// the reserved <c>.invalid</c> and <c>.test</c> never resolve there), SRV through a dnsmasq on loopback.
/// </summary>
public class ServerNameResolverTests
{
    [Theory(Timeout = 10_000)]
    [InlineData("sip:198.18.0.7:5060")]
    [InlineData("sip:mango-user@[2001:db8::7]:5061;transport=tls")]
    [InlineData("")]
    public async Task Address_literals_and_empty_uris_are_not_checked(string uri)
    {
        Assert.Null(await new SystemServerNameResolver(TimeSpan.FromSeconds(3)).ResolvesAsync(uri, CancellationToken.None));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_name_the_system_resolves_resolves_and_a_reserved_invalid_one_does_not()
    {
        var resolver = new SystemServerNameResolver(TimeSpan.FromSeconds(3), () => []);

        Assert.True(await resolver.ResolvesAsync("sip:localhost:5060", CancellationToken.None));
        Assert.False(await resolver.ResolvesAsync("sip:mango-user@registrar.watchdog.invalid:5060", CancellationToken.None));
    }

    [DnsmasqFact(Timeout = 30_000)]
    public async Task A_name_without_addresses_resolves_through_its_srv_only_when_the_uri_names_no_port()
    {
        await using var dns = await Dnsmasq.StartAsync(["--srv-host=_sip._udp.srvonly.test,localhost,5060,10,10"], CancellationToken.None);
        var resolver = new SystemServerNameResolver(TimeSpan.FromSeconds(3), () => [IPEndPoint.Parse(dns.Server)]);

        Assert.True(await resolver.ResolvesAsync("sip:srvonly.test", CancellationToken.None));
        Assert.False(await resolver.ResolvesAsync("sip:srvonly.test:5060", CancellationToken.None)); // a port: Asterisk asks A/AAAA only
        Assert.False(await resolver.ResolvesAsync("sip:nosrv.test", CancellationToken.None));
    }

    [Theory]
    [InlineData("sip:provider.example", false)]
    [InlineData("sip:user@provider.example:5060", true)]
    [InlineData("<sip:provider.example;transport=tcp>", false)]
    [InlineData("sip:[2001:db8::1]", false)]
    [InlineData("sip:[2001:db8::1]:5060", true)]
    public void Port_in_the_uri_is_seen(string uri, bool hasPort) => Assert.Equal(hasPort, Watchdog.Agent.Detection.SipUri.HasPort(uri));
}
