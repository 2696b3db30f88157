using System.Text;
using Watchdog.Ami.Protocol;

namespace Watchdog.Ami.Tests.Protocol;

public class FrameParserTests
{
    private static AmiMessage ParseOne(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.True(AmiMessage.TryParse(bytes, out var message, out var consumed));
        Assert.Equal(bytes.Length, consumed);
        return message;
    }

    [Fact]
    public void Value_containing_colons_is_kept_whole()
    {
        var m = ParseOne("Event: ContactStatus\r\nURI: sip:127.0.0.1:5080\r\nRemoteAddress: IPV6/UDP/2001:db8::1/5060\r\n\r\n");

        Assert.Equal("sip:127.0.0.1:5080", m["URI"]);
        Assert.Equal("IPV6/UDP/2001:db8::1/5060", m["RemoteAddress"]);
    }

    [Fact]
    public void Repeated_keys_are_all_kept_in_order()
    {
        var m = ParseOne("Event: VarSet\r\nVariable: a=1\r\nVariable: b=2\r\nVariable: c=\r\n\r\n");

        Assert.Equal(["a=1", "b=2", "c="], m.GetValues("Variable"));
        Assert.Equal("a=1", m["Variable"]);
    }

    [Fact]
    public void Bare_LF_line_endings_frame_like_CRLF()
    {
        var m = ParseOne("Response: Success\nActionID: 7\nPing: Pong\n\n");

        Assert.Equal(AmiMessageKind.Response, m.Kind);
        Assert.Equal("7", m.ActionId);
        Assert.Equal("Pong", m["Ping"]);
    }

    [Fact]
    public void Incomplete_message_is_not_parsed_until_its_blank_line_arrives()
    {
        var partial = "Event: Hangup\r\nCause: 44\r\n"u8.ToArray();
        Assert.False(AmiMessage.TryParse(partial, out _, out _));

        var complete = Encoding.UTF8.GetBytes("Event: Hangup\r\nCause: 44\r\n\r\n");
        Assert.True(AmiMessage.TryParse(complete, out var m, out _));
        Assert.True(m.TryGetInt64("Cause"u8, out var cause));
        Assert.Equal(44, cause);
    }

    [Fact]
    public void Old_style_Follows_reply_ends_at_END_COMMAND_and_keeps_blank_output_lines()
    {
        var m = ParseOne("Response: Follows\r\nPrivilege: Command\r\nActionID: 9\r\nModule 'res_pjsip.so' reloaded.\n\nObjects found: 1\n--END COMMAND--\r\n\r\n");

        Assert.Equal("9", m.ActionId);
        Assert.Equal(["Module 'res_pjsip.so' reloaded.", "", "Objects found: 1"], m.GetValues("Output"));
    }

    [Fact]
    public void Follows_reply_with_marker_on_the_output_line_is_understood()
    {
        var m = ParseOne("Response: Follows\r\nActionID: 3\r\nNo such command 'x'\n--END COMMAND--\r\n\r\n");
        Assert.Equal(["No such command 'x'"], m.GetValues("Output"));
    }

    [Fact]
    public void Garbage_lines_make_an_unknown_message_without_losing_the_next_one()
    {
        var bytes = Encoding.UTF8.GetBytes("\u0001\u0002garbage\r\n\r\nEvent: Registry\r\nStatus: Rejected\r\n\r\n");
        Assert.True(AmiMessage.TryParse(bytes, out var garbage, out var used));
        Assert.Equal(AmiMessageKind.Unknown, garbage.Kind);
        Assert.True(AmiMessage.TryParse(bytes.AsSpan(used), out var next, out _));
        Assert.Equal("Registry", next.EventName);
    }

    [Theory]
    [InlineData("Secret")]
    [InlineData("Key")]
    [InlineData("Password")]
    [InlineData("secret")]
    public void Credential_headers_never_read_back(string name)
    {
        var m = ParseOne($"Action: Login\r\nUsername: watchdog\r\n{name}: hunter2\r\n\r\n");

        Assert.Equal(SensitiveHeaders.Mask, m[name]);
        Assert.DoesNotContain("hunter2", m.ToString());
        Assert.DoesNotContain("hunter2", Encoding.UTF8.GetString(m.Raw));
    }

    [Fact]
    public void Action_printing_masks_secrets_and_refuses_line_breaks()
    {
        var login = AmiActions.Login("watchdog", "s3cret", "on");
        Assert.DoesNotContain("s3cret", login.ToString());
        Assert.Contains("Secret: ***", login.ToString());

        Assert.Throws<ArgumentException>(() => AmiActions.PJSIPRegister("mango\r\nAction: Command"));
        Assert.Throws<ArgumentException>(() => new AmiAction("Bad Name"));
    }

    [Fact]
    public void Event_names_are_shared_strings_not_allocated_per_message()
    {
        var a = ParseOne("Event: Newchannel\r\nChannel: x\r\n\r\n");
        var b = ParseOne("Event: Newchannel\r\nChannel: y\r\n\r\n");
        Assert.Same(a.EventName, b.EventName);
    }
}
