using Microsoft.Extensions.Logging.Testing;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Tests.Actuators;

public class UfwFirewallTests
{
    private static UfwFirewall Create(StandInExecutable ufw, bool dryRun = false, FakeLogger<UfwFirewall>? logger = null) =>
        new(new UfwOptions { ExecutablePath = ufw.Path_ },
            new ActuatorOptions { DryRun = dryRun, CommandTimeout = TimeSpan.FromSeconds(10) },
            new ProcessRunner(TimeProvider.System, NullLogger<ProcessRunner>.Instance),
            logger ?? new FakeLogger<UfwFirewall>());

    [Fact(Timeout = 10_000)]
    public async Task Block_runs_ufw_prepend_deny_with_each_argument_separately()
    {
        using var ufw = new StandInExecutable();
        var outcome = await Create(ufw).BlockAsync(IPAddress.Parse("203.0.113.5"), "ssh bruteforce", CancellationToken.None);

        Assert.Equal(FirewallOutcome.Success, outcome);
        var call = Assert.Single(ufw.Invocations());
        Assert.Equal(["prepend", "deny", "from", "203.0.113.5", "to", "any", "comment", "watchdog ssh bruteforce"], call);
    }

    [Fact(Timeout = 10_000)]
    public async Task Block_of_ipv6_uses_canonical_compressed_form()
    {
        using var ufw = new StandInExecutable();
        await Create(ufw).BlockAsync(IPAddress.Parse("2001:0DB8:0000:0000:0000:0000:0000:0001"), "x", CancellationToken.None);

        Assert.Equal("2001:db8::1", Assert.Single(ufw.Invocations())[3]);
    }

    [Fact(Timeout = 10_000)]
    public async Task Block_of_ipv4_mapped_ipv6_blocks_the_ipv4_address()
    {
        using var ufw = new StandInExecutable();
        await Create(ufw).BlockAsync(IPAddress.Parse("::ffff:198.51.100.7"), "x", CancellationToken.None);

        Assert.Equal("198.51.100.7", Assert.Single(ufw.Invocations())[3]);
    }

    [Fact(Timeout = 10_000)]
    public async Task Comment_injection_stays_inside_one_sanitised_argument()
    {
        using var ufw = new StandInExecutable();
        await Create(ufw).BlockAsync(IPAddress.Parse("192.0.2.1"), "x\"; rm -rf / #\nproto tcp 'a'", CancellationToken.None);

        var call = Assert.Single(ufw.Invocations());
        Assert.Equal(8, call.Count);
        Assert.Equal("watchdog x__ rm -rf / __proto tcp _a_", call[7]);
    }

    [Fact(Timeout = 10_000)]
    public async Task Unblock_runs_ufw_delete_deny()
    {
        using var ufw = new StandInExecutable();
        var outcome = await Create(ufw).UnblockAsync(IPAddress.Parse("203.0.113.5"), CancellationToken.None);

        Assert.Equal(FirewallOutcome.Success, outcome);
        Assert.Equal(["delete", "deny", "from", "203.0.113.5", "to", "any"], Assert.Single(ufw.Invocations()));
    }

    [Fact(Timeout = 10_000)]
    public async Task Unblock_of_a_missing_rule_counts_as_success()
    {
        using var ufw = new StandInExecutable("echo 'Could not delete non-existent rule'; exit 1");
        var outcome = await Create(ufw).UnblockAsync(IPAddress.Parse("203.0.113.5"), CancellationToken.None);

        Assert.Equal(FirewallOutcome.Success, outcome);
    }

    [Fact(Timeout = 10_000)]
    public async Task Failing_ufw_reports_failed()
    {
        using var ufw = new StandInExecutable("echo 'ERROR: problem running' >&2; exit 1");
        var outcome = await Create(ufw).BlockAsync(IPAddress.Parse("203.0.113.5"), "x", CancellationToken.None);

        Assert.Equal(FirewallOutcome.Failed, outcome);
    }

    [Fact(Timeout = 10_000)]
    public async Task Dry_run_logs_the_command_and_runs_nothing()
    {
        using var ufw = new StandInExecutable();
        var logger = new FakeLogger<UfwFirewall>();
        var outcome = await Create(ufw, dryRun: true, logger).BlockAsync(IPAddress.Parse("203.0.113.5"), "x", CancellationToken.None);

        Assert.Equal(FirewallOutcome.DryRun, outcome);
        Assert.Empty(ufw.Invocations());
        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal("203.0.113.5", record.GetStructuredStateValue("Ip"));
        Assert.Equal("block", record.GetStructuredStateValue("Action"));
    }

    [Theory]
    [InlineData("x\ny", "x_y")]
    [InlineData("ok-comment_1.2:3/4", "ok-comment_1.2:3/4")]
    [InlineData("a'b\"c;d`e$f", "a_b_c_d_e_f")]
    public void Comment_sanitizer_keeps_only_safe_characters(string input, string expected) =>
        Assert.Equal(expected, FirewallComment.Sanitize(input));

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new UfwOptions { ExecutablePath = "ufw", CommentPrefix = "bad\"prefix" }.Validate();
        Assert.Equal(2, problems.Count);
        Assert.Single(new ActuatorOptions { CommandTimeout = TimeSpan.Zero }.Validate());
    }
}
