using System.Globalization;
using Watchdog.Ami;

namespace Watchdog.Simulator;

/// <summary>Calls: channels that come and go or die of RTP timeout, with the events Asterisk sends.</summary>
public sealed partial class AmiSimulator
{
    // ---- scripting: calls ---------------------------------------------------------------------

    /// <summary>An inbound call on <paramref name="from"/> bridged to <paramref name="to"/>: two channels, Newchannel and Newstate Up.</summary>
    public SimCall StartCall(string from = "mango-trunk", string to = "elevenlabs-trunk", string callerId = "+79161234567")
    {
        var now = _time.GetUtcNow();
        var epoch = now.ToUnixTimeSeconds();
        var a = NewChannel(from, epoch, null, callerId, now);
        var b = NewChannel(to, epoch, a.Linkedid, "<unknown>", now);
        var bridge = Guid.NewGuid().ToString();
        lock (Pbx.Gate)
        {
            a.BridgeId = b.BridgeId = bridge;
            b.Application = "AppDial";
            Pbx.Channels.Add(a);
            Pbx.Channels.Add(b);
            Pbx.ProcessedCalls++;
        }
        Broadcast(ChannelEvent("Newchannel", a), "call");
        Broadcast(ChannelEvent("Newchannel", b), "call");
        foreach (var ch in new[] { b, a })
        {
            ch.State = 6;
            ch.StateDesc = "Up";
            Broadcast(ChannelEvent("Newstate", ch), "call");
        }
        return new SimCall(a.Name, b.Name, a.Endpoint, b.Endpoint);
    }

    /// <summary>Ends a call normally (cause 16 on both legs).</summary>
    public void Hangup(SimCall call, int cause = 16, string causeText = "Normal Clearing")
    {
        HangupChannel(call.CallerChannel, cause, causeText);
        HangupChannel(call.CalleeChannel, 16, "Normal Clearing");
    }

    /// <summary>
    /// The caller leg dies of RTP timeout, as Asterisk reports it: the log line
    /// <c>Disconnecting channel '…' for lack of audio RTP activity in N seconds</c>, then a Hangup with
    /// cause 44 on that leg and 16 on the other.
    /// </summary>
    public void RtpTimeout(SimCall call, int seconds = 8)
    {
        AppendLog("NOTICE", "res_pjsip_sdp_rtp.c", $"Disconnecting channel '{call.CallerChannel}' for lack of audio RTP activity in {seconds} seconds");
        Broadcast(AmiWire.Event("SoftHangupRequest", "call,all").Add("Channel", call.CallerChannel).Add("Cause", "44"), "call");
        HangupChannel(call.CallerChannel, 44, "Requested channel not available");
        HangupChannel(call.CalleeChannel, 16, "Normal Clearing");
    }

    private void HangupChannel(string channel, int cause, string causeText)
    {
        SimChannel? ch;
        lock (Pbx.Gate)
        {
            ch = Pbx.Channels.FirstOrDefault(c => c.Name == channel);
            if (ch is null)
            {
                return;
            }
            Pbx.Channels.Remove(ch);
        }
        Broadcast(ChannelEvent("Hangup", ch).Add("Cause", cause.ToString(CultureInfo.InvariantCulture)).Add("Cause-txt", causeText), "call");
    }

    private SimChannel NewChannel(string endpoint, long epoch, string? linkedid, string callerId, DateTimeOffset now)
    {
        var uniqueid = $"{epoch}.{Interlocked.Increment(ref _uniqueCounter) - 1}";
        return new SimChannel
        {
            Name = $"PJSIP/{endpoint}-{Interlocked.Increment(ref _channelCounter) - 1:x8}",
            Endpoint = endpoint,
            Uniqueid = uniqueid,
            Linkedid = linkedid ?? uniqueid,
            Context = Pbx.Endpoints.FirstOrDefault(e => e.Name == endpoint)?.Context ?? "default",
            CallerIdNum = callerId,
            Created = now,
            State = linkedid is null ? 4 : 0,
            StateDesc = linkedid is null ? "Ring" : "Down",
        };
    }

    private static AmiWire ChannelEvent(string name, SimChannel c) =>
        AmiWire.Event(name, "call,all").Add("Channel", c.Name).Add("ChannelState", c.State.ToString(CultureInfo.InvariantCulture))
            .Add("ChannelStateDesc", c.StateDesc).Add("CallerIDNum", c.CallerIdNum).Add("CallerIDName", "<unknown>")
            .Add("ConnectedLineNum", "<unknown>").Add("ConnectedLineName", "<unknown>").Add("Language", "en").Add("AccountCode", "")
            .Add("Context", c.Context).Add("Exten", c.Exten).Add("Priority", "1").Add("Uniqueid", c.Uniqueid).Add("Linkedid", c.Linkedid);

}
