using System.Net;
using System.Text;
using Watchdog.Agent.Security;
using Xunit.Abstractions;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Security;

public class AsteriskSecurityTests(ITestOutputHelper output)
{
    private static AsteriskSecurityFailure? ClassifyLine(string line) =>
        AsteriskSecurityLogParser.TryParse(line, out var fields) ? AsteriskSecurityEventClassifier.Classify(fields) : null;

    [Fact]
    public void Fail2ban_asterisk_security_event_lines_are_matched_with_the_right_address()
    {
        var tally = new ParityTally();
        var otherCovered = 0;
        var otherNotCovered = 0;
        foreach (var line in Fail2banAnnotatedLog.Read("fail2ban-asterisk.log"))
        {
            var found = ClassifyLine(line.Text)?.Address.ToString();
            var expect = line.Expectation;
            if (expect is null || !line.NormalMode)
            {
                tally.OutOfScope++;
                continue;
            }

            if (!line.Text.Contains("SecurityEvent=\"", StringComparison.Ordinal))
            {
                // chan_sip/chan_iax2/pjsip_distributor/manager.c NOTICE lines: not security events, not covered here.
                if (found is null)
                {
                    otherNotCovered++;
                }
                else
                {
                    otherCovered++;
                }

                continue;
            }

            tally.Score(line, expect, found);
        }

        output.WriteLine($"fail2ban-asterisk.log security events: {tally}");
        output.WriteLine($"other (messages-log NOTICE/WARNING) lines: {otherNotCovered} not covered, {otherCovered} matched");
        foreach (var wrong in tally.Wrong)
        {
            output.WriteLine(wrong);
        }

        Assert.Empty(tally.Wrong);
        Assert.Equal(9, tally.IpLiteralExpected);
        Assert.Equal(0, otherCovered);
    }

    [Fact]
    public void Lab_security_log_yields_the_failures_and_not_challenges_or_successes()
    {
        var failures = File.ReadLines(Fail2banAnnotatedLog.FixturePath("asterisk-security.log"))
            .Select(ClassifyLine)
            .OfType<AsteriskSecurityFailure>()
            .Select(f => $"{f.Source}:{f.EventName}:{f.Address}")
            .ToList();

        Assert.Equal(
        [
            "Sip:ChallengeResponseFailed:127.0.0.1",
            "Sip:InvalidAccountID:127.0.0.1",
            "Sip:InvalidAccountID:127.0.0.1",
            "Sip:ChallengeResponseFailed:127.0.0.1",
            "Ami:InvalidPassword:127.0.0.1",
            "Ami:InvalidAccountID:127.0.0.1",
        ], failures);
    }

    [Fact]
    public void Ami_security_events_from_the_transcript_are_classified_from_their_headers()
    {
        var text = File.ReadAllText(Fail2banAnnotatedLog.FixturePath("ami-events-security.txt"));
        var results = new List<string>();
        foreach (var block in text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = block.Split("\r\n")
                .Select(l => l.Split(": ", 2))
                .Where(p => p.Length == 2)
                .Select(p => new KeyValuePair<string, string>(p[0], p[1]))
                .ToList();
            var name = fields.FirstOrDefault(f => f.Key == "Event").Value;
            var failure = AsteriskSecurityEventClassifier.Classify(fields);
            results.Add($"{name}={(failure is null ? "-" : failure.Address.ToString())}");
        }

        Assert.Contains("ChallengeSent=-", results);
        Assert.Contains("SuccessfulAuth=-", results);
        Assert.Contains("ChallengeResponseFailed=127.0.0.1", results);
        Assert.Contains("InvalidAccountID=127.0.0.1", results);
        Assert.DoesNotContain(results, r => r.StartsWith("ChallengeSent=1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IPV4/UDP/203.0.113.5/5060", "203.0.113.5")]
    [InlineData("IPV4/TLS/192.0.2.2/30245", "192.0.2.2")]
    [InlineData("IPV6/UDP/2001:db8::1/5060", "2001:db8::1")]
    [InlineData("IPV6/TCP/[2001:db8::2]/5061", "2001:db8::2")]
    [InlineData("IPV6/UDP/::ffff:198.51.100.9/5060", "198.51.100.9")]
    public void Remote_address_is_the_text_between_the_second_and_the_last_slash(string remote, string expected)
    {
        Assert.True(AsteriskSecurityEventClassifier.TryParseRemoteAddress(remote, out var address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("IPV4/UDP/203.0.113.5")]
    [InlineData("IPV4/UDP/203.0.113.5/port")]
    [InlineData("IPV4/UDP/example.com/5060")]
    [InlineData("IPV4/UDP/1.2.3.4 comment x/5060")]
    [InlineData("IPV4/UDP/192.030.0.6/5060")]
    [InlineData("203.0.113.5:5060")]
    public void Malformed_remote_addresses_are_rejected(string remote) =>
        Assert.False(AsteriskSecurityEventClassifier.TryParseRemoteAddress(remote, out _));

    [Fact]
    public void A_remote_address_injected_into_session_id_or_account_id_is_ignored()
    {
        var line = "[2026-11-26 08:02:18.361] SECURITY[1] res_security_log.c: SecurityEvent=\"InvalidAccountID\",EventTV=\"x\",Severity=\"Error\"," +
                   "Service=\"PJSIP\",EventVersion=\"1\",AccountID=\"a\",RemoteAddress=\"IPV4/UDP/6.6.6.6/1\",Service=\"AMI\"," +
                   "SessionID=\"\",RemoteAddress=\"IPV4/UDP/7.7.7.7/1\",LocalAddress=\"IPV4/UDP/127.0.0.1/5060\",RemoteAddress=\"IPV4/UDP/203.0.113.9/5060\"";

        var failure = ClassifyLine(line);

        Assert.NotNull(failure);
        Assert.Equal(IPAddress.Parse("203.0.113.9"), failure.Address);
        Assert.Equal(AttackSource.Sip, failure.Source);
    }

    [Theory]
    [InlineData("ChallengeSent", false)]
    [InlineData("SuccessfulAuth", false)]
    [InlineData("RequestBadFormat", false)]
    [InlineData("InvalidAccountID", true)]
    [InlineData("ChallengeResponseFailed", true)]
    [InlineData("FailedACL", true)]
    [InlineData("InvalidPassword", true)]
    public void Only_authentication_failures_count(string eventName, bool failure)
    {
        List<KeyValuePair<string, string>> fields =
            [new("Event", eventName), new("Service", "AMI"), new("RemoteAddress", "IPV4/TCP/198.51.100.1/5038")];

        var result = AsteriskSecurityEventClassifier.Classify(fields);

        Assert.Equal(failure, result is not null);
        if (result is not null)
        {
            Assert.Equal(AttackSource.Ami, result.Source);
        }
    }

    [Fact]
    public async Task Security_log_source_feeds_failures_to_the_sink()
    {
        var sink = new RecordingSink();
        var dir = Path.Combine(Path.GetTempPath(), "watchdog-ast-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "security");
            using var tailer = new Watchdog.Agent.Sources.LogTailer(
                new Watchdog.Agent.Sources.LogTailerOptions { Path = path, StartAtEnd = false },
                TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Watchdog.Agent.Sources.LogTailer>.Instance);
            var source = new AsteriskSecurityLogSource(tailer, sink, TimeProvider.System);
            File.Copy(Fail2banAnnotatedLog.FixturePath("asterisk-security.log"), path);

            tailer.Poll(source.OnLine);
            await source.FlushAsync(CancellationToken.None);

            Assert.Equal(6, sink.Failures.Count);
            Assert.Equal(2, sink.Failures.Count(f => f.Source == AttackSource.Ami));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
