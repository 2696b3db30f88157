namespace Watchdog.Ami.Events;

// Typed views of the list events the agent reads when it (re)synchronises.

/// <summary>One <c>OutboundRegistrationDetail</c> of <c>PJSIPShowRegistrationsOutbound</c>.</summary>
public sealed record OutboundRegistrationDetail(
    string ObjectName, string ClientUri, string ServerUri, string Status, string Endpoint, string OutboundAuth,
    long? NextReg, int? MaxRetries, bool AuthRejectionPermanent)
{
    /// <summary>Reads the item; null for any other message.</summary>
    public static OutboundRegistrationDetail? From(AmiMessage m) => m.IsEvent("OutboundRegistrationDetail"u8)
        ? new(m["ObjectName"] ?? "", m["ClientUri"] ?? "", m["ServerUri"] ?? "", m["Status"] ?? "", m["Endpoint"] ?? "",
            m["OutboundAuth"] ?? "", m.TryGetInt64("NextReg"u8, out var n) ? n : null,
            m.TryGetInt64("MaxRetries"u8, out var r) ? (int)Math.Min(r, int.MaxValue) : null,
            m.ValueEquals("AuthRejectionPermanent"u8, "true"u8))
        : null;
}

/// <summary>One <c>EndpointList</c> of <c>PJSIPShowEndpoints</c>.</summary>
public sealed record EndpointListItem(string ObjectName, string Transport, string Aor, string Contacts, string DeviceState, int ActiveChannels)
{
    /// <summary>The contacts as <c>aor/uri</c> entries (Asterisk writes them comma-terminated).</summary>
    public IReadOnlyList<string> ContactList => Contacts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Reads the item; null for any other message.</summary>
    public static EndpointListItem? From(AmiMessage m) => m.IsEvent("EndpointList"u8)
        ? new(m["ObjectName"] ?? "", m["Transport"] ?? "", m["Aor"] ?? "", m["Contacts"] ?? "", m["DeviceState"] ?? "",
            m.TryGetInt64("ActiveChannels"u8, out var a) ? (int)a : 0)
        : null;
}

/// <summary>A <c>ContactStatusDetail</c> (from <c>PJSIPShowEndpoint</c>) or <c>ContactList</c> (from <c>PJSIPShowContacts</c>).</summary>
public sealed record ContactDetail(string Aor, string Uri, string Status, string EndpointName, long? RoundtripUsec)
{
    /// <summary>Reads either item; null for any other message.</summary>
    public static ContactDetail? From(AmiMessage m)
    {
        if (m.IsEvent("ContactStatusDetail"u8))
        {
            return new(m["AOR"] ?? "", m["URI"] ?? "", m["Status"] ?? "", m["EndpointName"] ?? "",
                m.TryGetInt64("RoundtripUsec"u8, out var rtt) ? rtt : null);
        }
        if (m.IsEvent("ContactList"u8))
        {
            var name = m["ObjectName"] ?? "";
            var aor = name.IndexOf(';') is var i and >= 0 ? name[..i] : name;
            return new(aor, m["Uri"] ?? "", m["Status"] ?? "", m["Endpoint"] ?? "",
                m.TryGetInt64("RoundtripUsec"u8, out var rtt) ? rtt : null);
        }
        return null;
    }
}

/// <summary>One <c>CoreShowChannel</c> of <c>CoreShowChannels</c>.</summary>
public sealed record CoreShowChannelItem(
    string Channel, string Uniqueid, string Linkedid, int ChannelState, string ChannelStateDesc, string Application, string Duration, string BridgeId)
{
    /// <summary>Reads the item; null for any other message.</summary>
    public static CoreShowChannelItem? From(AmiMessage m) => m.IsEvent("CoreShowChannel"u8)
        ? new(m["Channel"] ?? "", m["Uniqueid"] ?? "", m["Linkedid"] ?? "", m.TryGetInt64("ChannelState"u8, out var s) ? (int)s : -1,
            m["ChannelStateDesc"] ?? "", m["Application"] ?? "", m["Duration"] ?? "", m["BridgeId"] ?? "")
        : null;

    /// <summary>The call's age from <c>Duration</c> (<c>HH:MM:SS</c>).</summary>
    public TimeSpan? Age => TimeSpan.TryParse(Duration, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null;
}
