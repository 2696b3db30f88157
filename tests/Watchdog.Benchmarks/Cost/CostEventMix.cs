using Watchdog.Simulator;

namespace Watchdog.Benchmarks.Cost;

/// <summary>
/// The event mix of a working PBX, in the shapes recorded from Asterisk 22 (/work/shared/ami-transcripts):
/// calls that start and end (Newchannel … Hangup on the same channel, so the channel table stays
/// bounded), dialplan chatter (VarSet, Newexten), device states, qualify results, registrations and the
/// security events every authenticated REGISTER/INVITE produces (ChallengeSent, SuccessfulAuth).
/// </summary>
internal sealed class CostEventMix
{
    private const int CycleLength = 16;
    private long _next;

    /// <summary>Writes the next <paramref name="count"/> events into <paramref name="into"/>.</summary>
    public void Next(int count, MemoryStream into)
    {
        for (var n = 0; n < count; n++)
        {
            var i = _next++;
            var call = i / CycleLength;
            into.Write(Event(i % CycleLength, call));
        }
    }

    private static byte[] Event(long step, long call) => step switch
    {
        0 => Channel("Newchannel", call).Add("Exten", "74951234567").ToBytes(),
        1 => VarSet(call, "SIPCALLID", $"{call:x}-mango@81.88.86.11"),
        2 => Newexten(call, "1", "NoOp", "mango inbound"),
        3 => VarSet(call, "__TRUNK", "mango-trunk"),
        4 => Channel("Newstate", call).ToBytes(),
        5 => AmiWire.Event("DeviceStateChange", "call,all").Add("Device", "PJSIP/mango-trunk").Add("State", "INUSE").ToBytes(),
        6 => Newexten(call, "2", "Dial", "PJSIP/elevenlabs-trunk"),
        7 => AmiWire.Event("ContactStatus", "system,all").Add("URI", "sip:81.88.86.11:5060").Add("ContactStatus", "Reachable")
            .Add("AOR", call % 2 == 0 ? "mango-trunk" : "elevenlabs-trunk").Add("EndpointName", call % 2 == 0 ? "mango-trunk" : "elevenlabs-trunk")
            .Add("RoundtripUsec", (21_000 + call % 500).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToBytes(),
        8 => Security("ChallengeSent", call).Add("Challenge", "").ToBytes(),
        9 => Security("SuccessfulAuth", call).Add("UsingPassword", "1").ToBytes(),
        10 => VarSet(call, "RTPAUDIOQOS", "ssrc=1;themssrc=2;lp=0;rxjitter=0.000;rxcount=400;txjitter=0.000;txcount=400"),
        11 => VarSet(call, "BRIDGEPEER", "PJSIP/elevenlabs-trunk-00000001"),
        12 => Channel("Hangup", call).Add("Cause", "16").Add("Cause-txt", "Normal Clearing").ToBytes(),
        13 => AmiWire.Event("DeviceStateChange", "call,all").Add("Device", "PJSIP/mango-trunk").Add("State", "NOT_INUSE").ToBytes(),
        14 => AmiWire.Event("Registry", "system,all").Add("ChannelType", "PJSIP").Add("Username", "sip:mango-user@81.88.86.11:5060")
            .Add("Domain", "sip:81.88.86.11:5060").Add("Status", "Registered").ToBytes(),
        _ => AmiWire.Event("PeerStatus", "system,all").Add("ChannelType", "PJSIP").Add("Peer", "PJSIP/mango-trunk").Add("PeerStatus", "Reachable")
            .Add("Time", "21").ToBytes(),
    };

    private static AmiWire Channel(string name, long call) =>
        AmiWire.Event(name, "call,all").Add("Channel", $"PJSIP/mango-trunk-{call:x8}").Add("ChannelState", "6").Add("ChannelStateDesc", "Up")
            .Add("CallerIDNum", "+79161234567").Add("CallerIDName", "Mango").Add("ConnectedLineNum", "74951234567")
            .Add("ConnectedLineName", "<unknown>").Add("Language", "en").Add("AccountCode", "").Add("Context", "from-mango")
            .Add("Priority", "2").Add("Uniqueid", $"1795680120.{call}").Add("Linkedid", $"1795680120.{call}");

    private static byte[] VarSet(long call, string variable, string value) =>
        Channel("VarSet", call).Add("Exten", "74951234567").Add("Variable", variable).Add("Value", value).ToBytes();

    private static byte[] Newexten(long call, string priority, string application, string data) =>
        Channel("Newexten", call).Add("Exten", "74951234567").Add("Extension", "74951234567").Add("Application", application)
            .Add("AppData", data).Add("Step", priority).ToBytes();

    private static AmiWire Security(string name, long call) =>
        AmiWire.Event(name, "security,all").Add("EventTV", "2026-11-26T08:02:17.249+0000").Add("Severity", "Informational")
            .Add("Service", "PJSIP").Add("EventVersion", "1").Add("AccountID", "mango-trunk")
            .Add("SessionID", $"1-{call}@81.88.86.11").Add("LocalAddress", "IPV4/UDP/10.0.0.2/5060")
            .Add("RemoteAddress", "IPV4/UDP/81.88.86.11/5060");

    /// <summary>Bytes per event on average over one cycle (for the report).</summary>
    public static double AverageBytes()
    {
        var total = 0;
        for (var step = 0; step < CycleLength; step++) total += Event(step, 1).Length;
        return total / (double)CycleLength;
    }
}
