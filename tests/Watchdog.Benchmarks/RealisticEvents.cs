using Watchdog.Simulator;

namespace Watchdog.Benchmarks;

/// <summary>A block of events shaped like a busy Asterisk's stream (10-17 headers each, real field names).</summary>
internal static class RealisticEvents
{
    public static (byte[] Block, int Events) Block(int events)
    {
        var templates = Templates();
        var stream = new MemoryStream();
        for (var i = 0; i < events; i++)
        {
            var bytes = templates[i % templates.Length](i);
            stream.Write(bytes);
        }
        return (stream.ToArray(), events);
    }

    private static Func<int, byte[]>[] Templates() =>
    [
        i => Channel("Newchannel", i).ToBytes(),
        i => Channel("Newstate", i).ToBytes(),
        i => AmiWire.Event("VarSet", "dialplan,all").Add("Channel", $"PJSIP/mango-trunk-{i:x8}").Add("ChannelState", "6")
            .Add("ChannelStateDesc", "Up").Add("CallerIDNum", "+79161234567").Add("CallerIDName", "Mango").Add("ConnectedLineNum", "74951234567")
            .Add("ConnectedLineName", "<unknown>").Add("Language", "en").Add("AccountCode", "").Add("Context", "from-mango")
            .Add("Exten", "74951234567").Add("Priority", "2").Add("Uniqueid", $"1795680120.{i}").Add("Linkedid", $"1795680120.{i}")
            .Add("Variable", "RTPAUDIOQOS").Add("Value", "ssrc=1;themssrc=2;lp=0;rxjitter=0.000;rxcount=400;txjitter=0.000;txcount=400").ToBytes(),
        i => Channel("Hangup", i).Add("Cause", "16").Add("Cause-txt", "Normal Clearing").ToBytes(),
        i => AmiWire.Event("ContactStatus", "system,all").Add("URI", "sip:127.0.0.1:5080").Add("ContactStatus", "Reachable")
            .Add("AOR", "elevenlabs-trunk-aor").Add("EndpointName", "elevenlabs-trunk").Add("RoundtripUsec", (700 + i % 100).ToString()).ToBytes(),
        i => AmiWire.Event("Newexten", "dialplan,all").Add("Channel", $"PJSIP/mango-trunk-{i:x8}").Add("ChannelState", "6")
            .Add("ChannelStateDesc", "Up").Add("CallerIDNum", "+79161234567").Add("CallerIDName", "Mango").Add("Language", "en")
            .Add("AccountCode", "").Add("Context", "from-mango").Add("Exten", "74951234567").Add("Priority", "1")
            .Add("Uniqueid", $"1795680120.{i}").Add("Linkedid", $"1795680120.{i}").Add("Extension", "74951234567")
            .Add("Application", "NoOp").Add("AppData", "mango inbound").ToBytes(),
        i => AmiWire.Event("DeviceStateChange", "call,all").Add("Device", "PJSIP/mango-trunk").Add("State", i % 2 == 0 ? "INUSE" : "NOT_INUSE").ToBytes(),
        i => AmiWire.Event("Registry", "system,all").Add("ChannelType", "PJSIP").Add("Username", "sip:mango-user@127.0.0.1:5070")
            .Add("Domain", "sip:127.0.0.1:5070").Add("Status", "Registered").ToBytes(),
    ];

    private static AmiWire Channel(string name, int i) =>
        AmiWire.Event(name, "call,all").Add("Channel", $"PJSIP/mango-trunk-{i:x8}").Add("ChannelState", "6").Add("ChannelStateDesc", "Up")
            .Add("CallerIDNum", "+79161234567").Add("CallerIDName", "Mango").Add("ConnectedLineNum", "74951234567")
            .Add("ConnectedLineName", "<unknown>").Add("Language", "en").Add("AccountCode", "").Add("Context", "from-mango")
            .Add("Exten", "74951234567").Add("Priority", "2").Add("Uniqueid", $"1795680120.{i}").Add("Linkedid", $"1795680120.{i}");
}
