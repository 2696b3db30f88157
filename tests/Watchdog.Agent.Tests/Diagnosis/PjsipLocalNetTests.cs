using System.Net;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>The local_net the doctor suggests: only for address families the host really has, and never a wrong IPv6 prefix.</summary>
public sealed class PjsipLocalNetTests
{
    private const string Transport = """
        [transport-udp]
        type=transport
        protocol=udp
        bind=0.0.0.0:5060
        external_signaling_address=203.0.113.10
        external_media_address=203.0.113.10
        {0}
        """;

    private static DoctorFinding? LocalNet(string localNets, params string[] hostAddresses)
    {
        var pjsip = AsteriskConfig.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, Transport, localNets), "pjsip.conf");
        var findings = PjsipAudit.Audit(pjsip, hostAddresses.Select(IPAddress.Parse).ToList(), new DoctorOptions());
        return findings.SingleOrDefault(f => f.Id == "pjsip.transport.local_net");
    }

    [Fact]
    public void An_ipv4_only_host_gets_no_ipv6_suggestion_next_to_its_network()
    {
        var finding = LocalNet("", "10.0.0.5", "fe80::1");

        Assert.Equal("In pjsip.conf [transport-udp] add: local_net=10.0.0.0/24", finding!.Fix);
        Assert.DoesNotContain("::", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_covering_ipv4_local_net_is_enough_on_an_ipv4_only_host()
    {
        Assert.Null(LocalNet("local_net=10.0.0.0/8", "10.0.0.5"));
        Assert.Null(LocalNet("local_net=10.0.0.0/255.0.0.0", "10.0.0.5"));
    }

    [Fact]
    public void A_host_with_a_unique_local_ipv6_address_is_told_fc00_slash_7()
    {
        var finding = LocalNet("local_net=10.0.0.0/8", "10.0.0.5", "fd12:3456:789a::5");

        Assert.Equal("local_net=10.0.0.0/8 does not cover fc00::/7", finding!.Found);
        Assert.Equal("In pjsip.conf [transport-udp] add: local_net=fc00::/7", finding.Fix);
        Assert.Null(LocalNet("local_net=10.0.0.0/8\nlocal_net=fc00::/7", "10.0.0.5", "fd12:3456:789a::5"));
    }

    [Fact]
    public void A_narrower_local_net_does_not_cover_the_host_network()
    {
        var finding = LocalNet("local_net=10.0.0.0/28", "10.0.0.77");

        Assert.Equal("In pjsip.conf [transport-udp] add: local_net=10.0.0.0/24", finding!.Fix);
    }
}
