using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class UfwStatusTests
{
    [Fact]
    public void Port_lists_ranges_interfaces_and_destinations_are_understood_and_out_or_deny_rules_ignored()
    {
        var status = UfwStatus.Parse("""
            Status: active

            To                         Action      From
            --                         ------      ----
            5060,5061/tcp              ALLOW IN    Anywhere
            203.0.113.10 5060/udp      ALLOW IN    81.88.86.0/24
            10000:20000/udp on eth0    ALLOW IN    Anywhere
            3306                       DENY IN     Anywhere
            8080/tcp                   ALLOW OUT   Anywhere
            """);

        Assert.True(status.Active);
        Assert.True(status.Allows(5061, FirewallProtocol.Tcp));
        Assert.False(status.Allows(5061, FirewallProtocol.Udp));
        Assert.True(status.Allows(5060, FirewallProtocol.Udp));
        Assert.Empty(status.Uncovered(10000, 20000, FirewallProtocol.Udp));
        Assert.False(status.Allows(3306, FirewallProtocol.Tcp));
        Assert.False(status.Allows(8080, FirewallProtocol.Tcp));
    }

    [Fact]
    public void Uncovered_names_every_gap_of_a_range()
    {
        var status = UfwStatus.Parse("Status: active\n\nTo  Action  From\n--  ------  ----\n10000:10010/udp  ALLOW IN  Anywhere\n10020  ALLOW IN  Anywhere\n");

        Assert.Equal([(10011, 10019), (10021, 10030)], status.Uncovered(10000, 10030, FirewallProtocol.Udp));
    }

    [Theory]
    [InlineData(new[] { FindingSeverity.Ok, FindingSeverity.Info }, 0)]
    [InlineData(new[] { FindingSeverity.Info, FindingSeverity.Warning }, 1)]
    [InlineData(new[] { FindingSeverity.Warning, FindingSeverity.Critical, FindingSeverity.Ok }, 2)]
    [InlineData(new FindingSeverity[0], 0)]
    public void Exit_code_follows_the_worst_severity(FindingSeverity[] severities, int exitCode)
    {
        var report = new DoctorReport(severities.Select(s => new DoctorFinding("x", s, "s", "f", "", "")).ToList());

        Assert.Equal(exitCode, report.ExitCode);
    }
}
