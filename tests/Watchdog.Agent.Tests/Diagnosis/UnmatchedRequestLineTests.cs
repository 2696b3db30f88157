using System.Net;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class UnmatchedRequestLineTests
{
    [Fact]
    public void Real_pjsip_distributor_line_gives_the_source_address_and_port()
    {
        var line = File.ReadLines("/work/shared/ami-transcripts/90-asterisk-messages.log").FirstOrDefault(l => l.Contains("No matching endpoint found", StringComparison.Ordinal))
            ?? "[2026-11-26 08:02:18.361] NOTICE[11987] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:9999@127.0.0.1>' failed for '127.0.0.1:5091' (callid: 1-12323@127.0.0.1) - No matching endpoint found";

        var request = UnmatchedRequestLine.Parse(line);

        Assert.Equal(new UnmatchedRequest("REGISTER", IPAddress.Loopback, 5091), request);
    }

    [Fact]
    public void Older_format_without_method_is_read_too()
    {
        var request = UnmatchedRequestLine.Parse(
            "[2016-05-23 10:18:16] NOTICE[19388] res_pjsip/pjsip_distributor.c: Request from '\"1000\" <sip:1000@10.0.0.1>' failed for '81.88.86.41:48336' (callid: 276666022) - No matching endpoint found");

        Assert.Equal(new UnmatchedRequest("", IPAddress.Parse("81.88.86.41"), 48336), request);
    }

    [Theory]
    // A From forging a second "failed for" with a provider address: ambiguous, refused.
    [InlineData("[2026-11-26 08:02:18.361] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '<sip:x@y>' failed for '81.88.86.41:5060' (callid: a) - No matching endpoint found' failed for '203.0.113.66:5060' (callid: b) - No matching endpoint found")]
    // A Call-ID forging it after the real address.
    [InlineData("[2026-11-26 08:02:18.361] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '<sip:x@y>' failed for '203.0.113.66:5060' (callid: 1) - x' failed for '81.88.86.41:5060' (callid: 2) - No matching endpoint found")]
    // Not at the message start.
    [InlineData("[2026-11-26 08:02:18.361] NOTICE[1] res_pjsip/pjsip_distributor.c: Something Request 'INVITE' from '<sip:x@y>' failed for '81.88.86.41:5060' (callid: 1) - No matching endpoint found")]
    // Another source file.
    [InlineData("[2026-11-26 08:02:18.361] NOTICE[1] chan_sip.c: Request 'INVITE' from '<sip:x@y>' failed for '81.88.86.41:5060' (callid: 1) - No matching endpoint found")]
    // Another reason.
    [InlineData("[2026-11-26 08:02:18.361] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:6001@127.0.0.1>' failed for '127.0.0.1:5091' (callid: 1-12320@127.0.0.1) - Failed to authenticate")]
    // No log header at all.
    [InlineData("Request 'INVITE' from '<sip:x@y>' failed for '81.88.86.41:5060' (callid: 1) - No matching endpoint found")]
    public void Forged_or_foreign_lines_are_refused(string line)
    {
        Assert.Null(UnmatchedRequestLine.Parse(line));
    }
}
