using System.Text;

namespace Watchdog.Ami.Tests.Protocol;

public class TranscriptParsingTests
{
    public static TheoryData<string> AmiFiles() => new(Transcripts.AllAmiFiles());

    [Theory]
    [MemberData(nameof(AmiFiles))]
    public void Every_transcript_parses_completely_whole_and_in_one_byte_segments(string file)
    {
        var bytes = Transcripts.Bytes(file);
        var whole = Transcripts.ParseAll(bytes, out var banner);
        var chunked = Transcripts.ParseAll(bytes, out var chunkedBanner, segmentSize: 1);

        Assert.NotEmpty(whole);
        Assert.Equal(banner, chunkedBanner);
        Assert.Equal(whole.Select(m => m.ToString()), chunked.Select(m => m.ToString()));
        var blocks = CountBlocks(bytes);
        Assert.Equal(blocks, whole.Count);
    }

    [Fact]
    public void The_whole_passive_session_yields_every_event_with_its_name()
    {
        var messages = Transcripts.ParseAll(Transcripts.Bytes("30-events-all.txt"), out _);
        var names = Encoding.UTF8.GetString(Transcripts.Bytes("30-events-all.txt"))
            .Split('\n').Count(l => l.StartsWith("Event: ", StringComparison.Ordinal));

        Assert.Equal(AmiMessageKind.Response, messages[0].Kind); // the login reply after the banner
        Assert.Equal(names, messages.Count(m => m.Kind == AmiMessageKind.Event));
        Assert.All(messages.Skip(1), m => Assert.Equal(AmiMessageKind.Event, m.Kind));
        Assert.Equal(7, messages.Count(m => m.IsEvent("Registry"u8)));
        Assert.Contains(messages, m => m.EventName == "Shutdown" && m["Restart"] == "False");
    }

    [Fact]
    public void Login_banner_is_the_ami_version_and_events_follow_the_response()
    {
        var messages = Transcripts.ParseAll(Transcripts.Bytes("02-login-events-on.txt"), out var banner);

        Assert.Equal("Asterisk Call Manager/11.0.0", banner);
        Assert.Equal(AmiMessageKind.Response, messages[0].Kind);
        Assert.Equal("Authentication accepted", messages[0]["Message"]);
        Assert.Equal("FullyBooted", messages[1].EventName);
        Assert.Equal("Fully Booted", messages[1]["Status"]);
        Assert.Equal("SuccessfulAuth", messages[2].EventName);
        Assert.Equal("IPV4/TCP/127.0.0.1/59986", messages[2]["RemoteAddress"]);
    }

    [Fact]
    public void Trunk_password_in_AuthDetail_is_wiped_at_parse_time()
    {
        var bytes = Transcripts.Bytes("06-PJSIPShowRegistrationsOutbound.txt");
        var messages = Transcripts.ParseAll(bytes, out _);
        var auth = Assert.Single(messages, m => m.EventName == "AuthDetail");

        Assert.Equal("***", auth["Password"]);
        Assert.DoesNotContain("mango-pass", auth.ToString());
        Assert.DoesNotContain("mango-pass", Encoding.UTF8.GetString(auth.Raw));
        Assert.DoesNotContain("mango-pass", Encoding.UTF8.GetString(auth.Clone().Raw));
        Assert.Equal("mango-user", auth["Username"]);
    }

    [Fact]
    public void Bare_LF_inside_an_error_reply_and_the_stray_CRLF_after_it_are_tolerated()
    {
        var messages = Transcripts.ParseAll(Transcripts.Bytes("11-PJSIPShowContacts.txt"), out _);

        var reply = Assert.Single(messages);
        Assert.Equal("Error", reply["Response"]);
        Assert.Equal("No Contacts found", reply["Message"]);
    }

    [Fact]
    public void Command_output_lines_are_kept_in_order_with_their_spacing()
    {
        var reply = Transcripts.ParseAll(Transcripts.Bytes("14-Command-pjsip-show-registrations.txt"), out _).Single();
        var output = reply.GetValues("Output");

        Assert.Equal(8, output.Count);
        Assert.Equal("", output[0]);
        Assert.StartsWith(" <Registration/ServerURI", output[1]);
        Assert.Contains("Registered", output[4]);
        Assert.Equal("Objects found: 1", output[6]);
    }

    [Fact]
    public void Empty_values_are_empty_strings_not_missing()
    {
        var detail = Transcripts.ParseAll(Transcripts.Bytes("06-PJSIPShowRegistrationsOutbound.txt"), out _)
            .Single(m => m.EventName == "OutboundRegistrationDetail");

        Assert.Equal("", detail["ContactHeaderParams"]);
        Assert.Null(detail["NoSuchHeader"]);
        Assert.Equal("Registered", detail["status"]);
    }

    private static int CountBlocks(byte[] bytes)
    {
        // Independent oracle: messages are runs of non-empty lines.
        var count = 0;
        var inBlock = false;
        foreach (var raw in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("Asterisk Call Manager/", StringComparison.Ordinal)) continue;
            if (line.Length == 0) { inBlock = false; continue; }
            if (!inBlock) { count++; inBlock = true; }
        }
        return count;
    }
}
