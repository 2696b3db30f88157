using System.Net;
using System.Text;
using Watchdog.Ami;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Security;

/// <summary>
/// The Asterisk ban paths (security log and AMI security events) take the address only from the RemoteAddress
/// Asterisk writes; every field the SIP/AMI peer controls (AccountID, SessionID, the digest Response, AMI's
/// ReceivedChallenge/ReceivedHash) is text that must never choose whom we ban. Lines are the lab captures of
/// shared/ami-transcripts (91-asterisk-security.log, 40-events-security.txt) with the peer's fields rewritten.
/// </summary>
public class AsteriskSecurityForgeryTests
{
    private const string Victim = "192.0.2.10";
    private const string Attacker = "203.0.113.9";

    private static string ChallengeResponseFailed(string accountId = "6001", string sessionId = "1-12320@203.0.113.9", string response = "1b65ec78fd22a8b304cd6cb65692080a") =>
        "[2026-11-26 08:02:17.250] SECURITY[12005] res_security_log.c: SecurityEvent=\"ChallengeResponseFailed\",EventTV=\"2026-11-26T08:02:17.249+0000\"," +
        $"Severity=\"Error\",Service=\"PJSIP\",EventVersion=\"1\",AccountID=\"{accountId}\",SessionID=\"{sessionId}\"," +
        $"LocalAddress=\"IPV4/UDP/198.18.0.1/5060\",RemoteAddress=\"IPV4/UDP/{Attacker}/5091\",Challenge=\"1795680137/293e9c3da0b16e561a120d5f5a0e6522\"," +
        $"Response=\"{response}\",ExpectedResponse=\"\"";

    private static string? AddressOf(string line) =>
        AsteriskSecurityLogParser.TryParse(line, out var fields) ? AsteriskSecurityEventClassifier.Classify(fields)?.Address.ToString() : null;

    [Fact]
    public void The_unforged_lab_line_counts_against_the_remote_address() =>
        Assert.Equal(Attacker, AddressOf(ChallengeResponseFailed()));

    [Fact]
    public void A_remote_address_forged_in_the_digest_response_after_the_real_one_bans_nobody() =>
        Assert.Null(AddressOf(ChallengeResponseFailed(response: $"x\",RemoteAddress=\"IPV4/UDP/{Victim}/5060")));

    [Fact]
    public void A_forged_response_and_address_inside_the_account_id_cannot_pass_for_the_trailing_fields() =>
        Assert.Null(AddressOf(ChallengeResponseFailed(accountId: $"6001\",Response=\"x\",RemoteAddress=\"IPV4/UDP/{Victim}/5060")));

    [Fact]
    public void A_whole_forged_address_tail_in_the_session_id_loses_to_the_real_remote_address() =>
        Assert.Equal(Attacker, AddressOf(ChallengeResponseFailed(
            sessionId: $"1-1@x\",LocalAddress=\"IPV4/UDP/198.18.0.1/5060\",RemoteAddress=\"IPV4/UDP/{Victim}/5060\",Challenge=\"1/2")));

    [Fact]
    public void An_account_id_that_is_an_address_is_never_the_banned_address()
    {
        Assert.Equal(Attacker, AddressOf(ChallengeResponseFailed(accountId: Victim)));
        Assert.Equal(Attacker, AddressOf(ChallengeResponseFailed(accountId: $"IPV4/UDP/{Victim}/5060")));
    }

    [Fact]
    public void A_forged_received_hash_of_an_ami_login_bans_nobody()
    {
        // Asterisk's AMI InvalidPassword carries the client's challenge answer after the addresses.
        var line = "[2026-11-26 08:02:20.484] SECURITY[12005] res_security_log.c: SecurityEvent=\"InvalidPassword\",EventTV=\"2026-11-26T08:02:20.484+0000\"," +
                   "Severity=\"Error\",Service=\"AMI\",EventVersion=\"2\",AccountID=\"watchdog\",SessionID=\"0x7fa748001ef0\"," +
                   $"LocalAddress=\"IPV4/TCP/198.18.0.1/5038\",RemoteAddress=\"IPV4/TCP/{Attacker}/56628\",SessionTV=\"1970-01-01T00:00:00.000+0000\"," +
                   $"Challenge=\"1795680139\",ReceivedChallenge=\"1795680139\",ReceivedHash=\"ab\",RemoteAddress=\"IPV4/TCP/{Victim}/5038\"";

        Assert.Null(AddressOf(line));
        Assert.Equal(Attacker, AddressOf(line[..line.LastIndexOf(",RemoteAddress=", StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task A_remote_address_header_repeated_after_the_response_of_an_ami_event_bans_nobody()
    {
        var sink = new RecordingSink();
        var source = new AmiSecurityEventSource(sink, TimeProvider.System);
        await source.OnEventAsync(Event($"RemoteAddress: IPV4/UDP/{Attacker}/5091", "Response: 1b65", $"RemoteAddress: IPV4/UDP/{Victim}/5060"), CancellationToken.None);
        Assert.Empty(sink.Failures);

        await source.OnEventAsync(Event($"RemoteAddress: IPV4/UDP/{Attacker}/5091", "Response: 1b65"), CancellationToken.None);
        Assert.Equal(IPAddress.Parse(Attacker), Assert.Single(sink.Failures).Address);
    }

    private static AmiMessage Event(params string[] tail)
    {
        var text = "Event: ChallengeResponseFailed\r\nPrivilege: security,all\r\nEventTV: 2026-11-26T08:02:17.249+0000\r\nSeverity: Error\r\n" +
                   "Service: PJSIP\r\nEventVersion: 1\r\nAccountID: 6001\r\nSessionID: 1-12320@127.0.0.1\r\nLocalAddress: IPV4/UDP/198.18.0.1/5060\r\n" +
                   string.Concat(tail.Select(t => t + "\r\n")) + "\r\n";
        return AmiMessage.Parse(Encoding.ASCII.GetBytes(text));
    }
}
