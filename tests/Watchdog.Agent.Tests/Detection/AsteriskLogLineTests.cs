using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Detection;

public class AsteriskLogLineTests
{
    private static readonly string[] RealLog =
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Detection", "Fixtures", "90-asterisk-messages.log"));

    [Fact]
    public void Real_log_yields_the_two_403s_the_timeout_and_the_rtp_timeout_and_nothing_else()
    {
        var events = RealLog.Select(AsteriskLogLine.Parse).OfType<AsteriskLogEvent>().ToList();

        var failures = events.OfType<RegistrationFailureLogged>().ToList();
        Assert.Equal(3, failures.Count);
        Assert.Equal(["403", "403", "timeout"], failures.Select(f => f.Cause));
        Assert.All(failures, f => Assert.Equal("sip:mango-user@127.0.0.1:5070", f.ClientUri));
        Assert.All(failures, f => Assert.Equal("sip:127.0.0.1:5070", f.ServerUri));
        Assert.All(failures, f => Assert.False(f.Permanent));
        var rtp = Assert.Single(events.OfType<RtpTimeoutLogged>());
        Assert.Equal("PJSIP/mango-trunk-00000000", rtp.Channel);
        Assert.Equal("mango-trunk", rtp.Endpoint);
        Assert.Equal(8, rtp.Seconds);
        Assert.Equal(new DateTime(2026, 11, 26, 8, 2, 8, 999), rtp.LoggedAt);
    }

    [Theory]
    [InlineData("[2026-11-26 08:00:36.448] WARNING[11987] res_pjsip_outbound_registration.c: Fatal response '403' received from 'sip:a' on registration attempt to 'sip:u@a', stopping outbound registration", "403", true)]
    [InlineData("[2026-11-26 08:00:36.448] WARNING[11987] res_pjsip_outbound_registration.c: Fatal response '401' received from 'sip:a' on registration attempt to 'sip:u@a', stopping outbound registration", "401", true)]
    [InlineData("[2026-11-26 08:00:36.448] WARNING[11987] res_pjsip_outbound_registration.c: Maximum retries reached when attempting outbound registration to 'sip:a' with client 'sip:u@a', stopping registration attempt", "max_retries", true)]
    [InlineData("[2026-11-26 08:00:36.448] WARNING[11987] res_pjsip_outbound_registration.c: '404' fatal response received from 'sip:a' on registration attempt to 'sip:u@a', retrying in '60' seconds", "404", false)]
    [InlineData("[2026-11-26 08:00:36.448] WARNING[11987] res_pjsip_outbound_registration.c: Temporal response '503' received from 'sip:a' on registration attempt to 'sip:u@a', retrying in '60'", "503", false)]
    [InlineData("[Nov 26 08:00:36] WARNING[11987] res_pjsip_outbound_registration.c:1061 handle_registration_response: Fatal response '401' received from 'sip:a' on registration attempt to 'sip:u@a', stopping outbound registration", "401", true)]
    public void Every_registration_failure_form_Asterisk_writes_is_read(string line, string cause, bool permanent)
    {
        var failure = Assert.IsType<RegistrationFailureLogged>(AsteriskLogLine.Parse(line));

        Assert.Equal(cause, failure.Cause);
        Assert.Equal(permanent, failure.Permanent);
        Assert.Equal("sip:u@a", failure.ClientUri);
    }

    [Fact]
    public void Older_rtp_timeout_wording_without_the_media_word_is_read()
    {
        var e = AsteriskLogLine.Parse("[Nov 26 08:02:08] NOTICE[12000][C-00000001] res_pjsip_sdp_rtp.c:2066 rtp_check_timeout: Disconnecting channel 'PJSIP/elevenlabs-trunk-0000001a' for lack of RTP activity in 30 seconds");

        var rtp = Assert.IsType<RtpTimeoutLogged>(e);
        Assert.Equal("elevenlabs-trunk", rtp.Endpoint);
        Assert.Equal(30, rtp.Seconds);
    }

    [Fact]
    public void A_forged_rtp_timeout_inside_a_peer_controlled_field_is_not_read()
    {
        const string forged = "[2026-11-26 08:02:18.361] NOTICE[11987] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:Disconnecting channel 'PJSIP/mango-trunk-00000001' for lack of audio RTP activity in 8 seconds@x>' failed for '203.0.113.5:5060' (callid: 1) - No matching endpoint found";

        Assert.Null(AsteriskLogLine.Parse(forged));
    }

    [Fact]
    public void A_registration_failure_from_another_module_is_not_read()
    {
        Assert.Null(AsteriskLogLine.Parse("[2026-11-26 08:00:36.448] WARNING[11987] pbx.c: No response received from 'sip:a' on registration attempt to 'sip:u@a', retrying in '15'"));
    }
}
