using System.Text;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

/// <summary>One sshd connection's facts never reach another, even when sshd reuses the pid.</summary>
public class SshdSessionCorrelatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Feeds the lines (all on sshd[7] unless they say otherwise) and returns what each one counted.</summary>
    private static List<string?> Feed(SshdSessionCorrelator correlator, params string[] messages)
    {
        var results = new List<string?>();
        foreach (var message in messages)
        {
            var line = message.StartsWith("sshd[", StringComparison.Ordinal) ? message : "sshd[7]: " + message;
            var parsed = SshdLogParser.TryParseLine(Encoding.UTF8.GetBytes("Nov 26 08:00:01 pbx " + line), out var record);
            results.Add(parsed ? correlator.Process(record)?.ToString() : null);
        }

        return results;
    }

    // The attacker's connection never ends in the log (modern "Disconnecting authenticating user … Too many …").
    private static readonly string[] UnendedRootBruteForce =
    [
        "Failed password for root from 203.0.113.5 port 4000 ssh2",
        "Failed password for admin from 203.0.113.5 port 4000 ssh2",
        "error: maximum authentication attempts exceeded for root from 203.0.113.5 port 4000 ssh2 [preauth]",
        "Disconnecting authenticating user root 203.0.113.5 port 4000: Too many authentication failures [preauth]",
    ];

    [Fact]
    public void Reused_pid_does_not_carry_an_attackers_user_names_into_an_accepted_key_login()
    {
        var correlator = new SshdSessionCorrelator(_time);
        Feed(correlator, UnendedRootBruteForce);
        Assert.Equal([null, null], Feed(correlator,
            "Accepted publickey for deploy from 192.0.2.10 port 5000 ssh2: ED25519 SHA256:abc",
            "Received disconnect from 192.0.2.10 port 5000:11: disconnected by user"));
    }

    [Fact]
    public void Reused_pid_does_not_turn_a_valid_users_failed_publickey_into_a_failure()
    {
        var correlator = new SshdSessionCorrelator(_time);
        Feed(correlator, UnendedRootBruteForce);
        Assert.Equal([null, null], Feed(correlator,
            "Failed publickey for deploy from 192.0.2.10 port 5000 ssh2: RSA SHA256:abc",
            "Connection closed by authenticating user deploy 192.0.2.10 port 5000 [preauth]"));
    }

    [Fact]
    public void Reused_pid_does_not_give_a_locked_accounts_pending_failure_to_a_client_that_disconnected_after_its_session()
    {
        var correlator = new SshdSessionCorrelator(_time);
        // A connection whose failure has no address and which then vanishes from the log.
        Assert.Equal([null], Feed(correlator, "User root not allowed because account is locked"));
        Assert.Equal([null, null], Feed(correlator,
            "Received disconnect from 192.0.2.10 port 5000:11: disconnected by user",
            "Disconnected from user deploy 192.0.2.10 port 5000"));
        Assert.Equal([null], Feed(correlator, "User root not allowed because account is locked"));
        Assert.Equal([null], Feed(correlator, "Accepted password for deploy from 192.0.2.10 port 5001 ssh2"));
    }

    [Fact]
    public void Locked_account_on_a_reused_pid_does_not_take_the_earlier_connections_address()
    {
        var correlator = new SshdSessionCorrelator(_time);
        Feed(correlator,
            "Failed publickey for deploy from 192.0.2.10 port 5000 ssh2: RSA SHA256:abc",
            "fatal: Timeout before authentication for 192.0.2.10 port 5000");
        Assert.Equal([null, null, "203.0.113.5"], Feed(correlator,
            "User deploy not allowed because account is locked",
            "input_userauth_request: invalid user deploy [preauth]",
            "Connection closed by authenticating user deploy 203.0.113.5 port 4000 [preauth]"));
    }

    [Fact]
    public void A_line_naming_another_address_on_the_same_pid_starts_a_new_connection()
    {
        var correlator = new SshdSessionCorrelator(_time);
        Assert.Equal(["203.0.113.5", null, null], Feed(correlator,
            "Failed password for root from 203.0.113.5 port 4000 ssh2",
            "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.10  user=deploy",
            "Accepted password for deploy from 192.0.2.10 port 5000 ssh2"));
    }

    [Fact]
    public void Within_one_connection_an_address_less_failure_still_takes_its_address_and_several_users_still_count()
    {
        var correlator = new SshdSessionCorrelator(_time);
        Assert.Equal(["203.0.113.5", "203.0.113.5"], Feed(correlator,
            "Failed password for root from 203.0.113.5 port 4000 ssh2",
            "Disconnecting: Too many authentication failures [preauth]"));
        Assert.Equal([null, "203.0.113.6"], Feed(correlator,
            "sshd[8]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=root rhost=203.0.113.6",
            "sshd[8]: Accepted password for known from 203.0.113.6 port 52100 ssh2"));
    }

    [Fact]
    public void A_pending_failure_expires_with_its_idle_session()
    {
        var correlator = new SshdSessionCorrelator(_time, idleTimeout: TimeSpan.FromMinutes(5));
        Feed(correlator, "User root not allowed because account is locked");
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(["203.0.113.5"], Feed(correlator, "Connection closed by authenticating user root 203.0.113.5 port 4000 [preauth]"));

        Feed(correlator, "User root not allowed because account is locked");
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal([null], Feed(correlator, "Connection closed by authenticating user root 192.0.2.10 port 5000 [preauth]"));
    }

    [Fact]
    public void Several_users_of_an_idle_session_do_not_reach_a_later_login_from_the_same_address()
    {
        var correlator = new SshdSessionCorrelator(_time);
        Feed(correlator, "Failed publickey for git from 192.0.2.10 port 5000 ssh2: RSA SHA256:abc");
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([null], Feed(correlator, "Accepted publickey for deploy from 192.0.2.10 port 5001 ssh2: ED25519 SHA256:def"));
    }

    [Fact]
    public void The_sessions_table_is_bounded_and_sweeps_expired_sessions_first()
    {
        var correlator = new SshdSessionCorrelator(_time, capacity: 64, idleTimeout: TimeSpan.FromMinutes(1));
        for (var pid = 0; pid < 10_000; pid++)
        {
            Feed(correlator, $"sshd[{pid}]: Failed publickey for deploy from 192.0.2.{pid % 250} port 1 ssh2: RSA SHA256:x");
            Assert.True(correlator.Count <= 64);
            if (pid % 100 == 0)
            {
                _time.Advance(TimeSpan.FromMinutes(2));
            }
        }

        // A pending failure of a live session survives the sweeps that a flood of other pids causes.
        Feed(correlator, "sshd[99999]: User root not allowed because account is locked");
        for (var pid = 0; pid < 20; pid++)
        {
            Feed(correlator, $"sshd[{pid}]: Failed publickey for deploy from 192.0.2.1 port 1 ssh2: RSA SHA256:x");
        }

        Assert.Equal(["203.0.113.5"], Feed(correlator, "sshd[99999]: Connection closed by authenticating user root 203.0.113.5 port 4000 [preauth]"));
    }
}
