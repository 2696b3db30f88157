using System.Text;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

public class SshdLogParserTests
{
    private static string? FailureOf(params string[] lines)
    {
        var correlator = new SshdSessionCorrelator();
        string? last = null;
        foreach (var line in lines)
        {
            last = SshdLogParser.TryParseLine(Encoding.UTF8.GetBytes(line), out var record) ? correlator.Process(record)?.ToString() : null;
        }

        return last;
    }

    [Theory]
    [InlineData("Nov 26 07:40:01 host sshd[123]: Failed password for root from 203.0.113.5 port 22 ssh2", "203.0.113.5")]
    [InlineData("2026-11-26T07:40:01.123456+00:00 host sshd[123]: Failed password for root from 203.0.113.5 port 22 ssh2", "203.0.113.5")]
    [InlineData("<38>1 2026-11-26T07:40:01.123456+00:00 host sshd 123 - - Invalid user admin from 203.0.113.5 port 41000", "203.0.113.5")]
    [InlineData("Nov 26 07:40:01 host sshd-session[123]: Invalid user oracle from 2001:db8::7 port 41000", "2001:db8::7")]
    [InlineData("Nov 26 07:40:01 host sshd[123]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5", null)]
    [InlineData("Nov 26 07:40:01 host sshd[123]: error: maximum authentication attempts exceeded for root from 203.0.113.5 port 22 ssh2 [preauth]", "203.0.113.5")]
    [InlineData("Nov 26 07:40:01 host sshd[123]: Accepted password for alice from 203.0.113.5 port 22 ssh2", null)]
    [InlineData("Nov 26 07:40:01 host CRON[99]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", null)]
    [InlineData("Nov 26 07:40:01 host sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/ls", null)]
    [InlineData("Nov 26 07:40:01 host notsshd[1]: Failed password for root from 203.0.113.5 port 22 ssh2", null)]
    public void Lines_are_classified(string line, string? expected) => Assert.Equal(expected, FailureOf(line));

    [Theory]
    // User names that carry addresses: only the address sshd wrote (rightmost "from IP port N") counts.
    [InlineData("Failed password for invalid user from 5.6.7.8 from 203.0.113.5 port 22 ssh2", "203.0.113.5")]
    [InlineData("Failed password for invalid user 1.2.3.4 from 203.0.113.5 port 22 ssh2", "203.0.113.5")]
    [InlineData("Failed password for invalid user x from 5.6.7.8 port 22 ssh2 from 203.0.113.5 port 22 ssh2", "203.0.113.5")]
    [InlineData("Failed password for invalid user x from 5.6.7.8 port 22 ssh2: y from 203.0.113.5 port 22 ssh2", "203.0.113.5")]
    [InlineData("Invalid user from 5.6.7.8 from 203.0.113.5 port 22", "203.0.113.5")]
    [InlineData("Invalid user 5.6.7.8 from 203.0.113.5", "203.0.113.5")]
    [InlineData("error: maximum authentication attempts exceeded for invalid user a from 5.6.7.8 port 1 ssh2 from 203.0.113.5 port 22 ssh2 [preauth]", "203.0.113.5")]
    [InlineData("User x from 5.6.7.8 not allowed because listed in DenyUsers from 203.0.113.5 not allowed because listed in DenyUsers", "203.0.113.5")]
    [InlineData("Connection closed by authenticating user from 5.6.7.8 port 1 203.0.113.5 port 22 [preauth]", null)]
    // ufw argument injection: nothing that is not a bare address gets through.
    [InlineData("Failed password for invalid user x from 1.2.3.4 comment x port 22 ssh2", null)]
    [InlineData("Invalid user x from 1.2.3.4;reboot", null)]
    [InlineData("Invalid user x from 192.030.0.6", null)]
    [InlineData("Invalid user x from 2001:db8::1%eth0", null)]
    [InlineData("Invalid user x from example.com", null)]
    public void Injected_addresses_are_never_reported(string message, string? expected)
    {
        var line = $"Nov 26 07:40:01 host sshd[4242]: {message}";
        Assert.Equal(expected, FailureOf(line));
    }

    [Fact]
    public void A_user_name_with_a_newline_cannot_forge_a_second_line()
    {
        // sshd escapes control characters (\012), and the tailer splits on real newlines only; the escaped
        // form stays inside the user name and the rightmost address wins.
        Assert.Equal("203.0.113.5", FailureOf(
            "Nov 26 07:40:01 host sshd[1]: Failed password for invalid user x\\012Nov 26 07:40:01 host sshd[2]: Failed password for root from 5.6.7.8 port 22 ssh2 from 203.0.113.5 port 22 ssh2"));
    }

    [Fact]
    public void Ipv4_mapped_addresses_are_reported_as_ipv4() =>
        Assert.Equal("1.2.3.4", FailureOf("Jan  5 01:31:41 www sshd[1643]: ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4"));

    [Fact]
    public void A_failure_without_address_takes_the_address_of_its_connection()
    {
        Assert.Equal("203.0.113.9", FailureOf(
            "Nov 26 07:40:01 host sshd[77]: Connection from 203.0.113.9 port 51353 on 192.0.2.1 port 22",
            "Nov 26 07:40:02 host sshd[77]: Disconnecting: Too many authentication failures [preauth]"));
    }

    [Fact]
    public void A_success_after_one_user_washes_pam_failures_but_not_after_two()
    {
        Assert.Null(FailureOf(
            "Mar  7 18:53:20 bar sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.113  user=rda",
            "Mar  7 18:53:20 bar sshd[1]: Accepted password for rda from 192.0.2.113 port 52100 ssh2"));
        Assert.Equal("192.0.2.114", FailureOf(
            "Mar  7 18:53:22 bar sshd[2]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=root rhost=192.0.2.114",
            "Mar  7 18:53:24 bar sshd[2]: Accepted password for known from 192.0.2.114 port 52100 ssh2"));
    }

    [Fact]
    public void Correlator_memory_is_bounded()
    {
        var correlator = new SshdSessionCorrelator(capacity: 64);
        for (var pid = 0; pid < 10_000; pid++)
        {
            SshdLogParser.TryParseLine(Encoding.UTF8.GetBytes($"Nov 26 07:40:01 h sshd[{pid}]: Connection from 192.0.2.1 port 1"), out var record);
            correlator.Process(record);
        }

        Assert.True(correlator.Count <= 64);
    }

    [Theory]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("1.2.3", null)]
    [InlineData("1.2.3.4.5", null)]
    [InlineData("01.2.3.4", null)]
    [InlineData("256.1.1.1", null)]
    [InlineData("1.2.3.4 ", null)]
    [InlineData("0x1.2.3.4", null)]
    [InlineData("fe80::1%2", null)]
    [InlineData("", null)]
    public void Ip_literals_are_strict(string text, string? canonical)
    {
        var ok = IpLiteral.TryParse(Encoding.ASCII.GetBytes(text), out var address);
        Assert.Equal(canonical, ok ? address!.ToString() : null);
        Assert.Equal(ok, IpLiteral.TryParse(text.AsSpan(), out _));
    }
}
