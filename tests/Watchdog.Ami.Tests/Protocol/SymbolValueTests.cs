using System.Text;
using Watchdog.Ami.Events;

namespace Watchdog.Ami.Tests.Protocol;

/// <summary>
/// Values from a small recurring set are read as shared strings, so a busy stream does not allocate a new
/// "Up" or "Reachable" per event; what is read is the same text the indexer gives.
/// </summary>
public class SymbolValueTests
{
    [Fact]
    public void Every_typed_event_of_the_captured_session_reads_the_same_values_as_the_indexer()
    {
        var messages = Transcripts.ParseAll(Transcripts.Bytes("30-events-all.txt"), out _);

        var checkedFields = 0;
        foreach (var m in messages.Where(m => m.Kind == AmiMessageKind.Event))
        {
            if (ContactStatusEvent.From(m) is { } c)
            {
                Assert.Equal((m["URI"] ?? "", m["ContactStatus"] ?? "", m["AOR"] ?? "", m["EndpointName"] ?? ""), (c.Uri, c.ContactStatus, c.Aor, c.EndpointName));
                checkedFields += 4;
            }
            if (NewstateEvent.From(m) is { } s)
            {
                Assert.Equal(m["ChannelStateDesc"] ?? "", s.ChannelStateDesc);
                checkedFields++;
            }
            if (HangupEvent.From(m) is { } h)
            {
                Assert.Equal(m["Cause-txt"] ?? "", h.CauseText);
                checkedFields++;
            }
            if (RegistryEvent.From(m) is { } r)
            {
                Assert.Equal((m["Username"] ?? "", m["Domain"] ?? "", m["Status"] ?? ""), (r.Username, r.Domain, r.Status));
                checkedFields += 3;
            }
        }
        Assert.True(checkedFields > 10, $"the capture should hold typed events, checked {checkedFields} fields");
    }

    [Fact]
    public void A_value_seen_before_is_the_same_string_instance()
    {
        var first = Event("Newstate", ("ChannelStateDesc", "Up"));
        var second = Event("Newstate", ("ChannelStateDesc", "Up"));

        Assert.Same(first.Symbol("ChannelStateDesc"u8), second.Symbol("ChannelStateDesc"u8));
        Assert.Equal("Up", second.Symbol("channelstatedesc"u8));
        Assert.Null(second.Symbol("Uniqueid"u8));
    }

    [Fact]
    public void A_value_that_is_not_ascii_reads_as_its_text()
    {
        var m = Event("Hangup", ("Cause-txt", "Абонент занят"));

        Assert.Equal("Абонент занят", m.Symbol("Cause-txt"u8));
    }

    private static AmiMessage Event(string name, params (string Name, string Value)[] headers)
    {
        var text = new StringBuilder($"Event: {name}\r\n");
        foreach (var (n, v) in headers) text.Append(n).Append(": ").Append(v).Append("\r\n");
        return AmiMessage.Parse(Encoding.UTF8.GetBytes(text.Append("\r\n").ToString()));
    }
}
