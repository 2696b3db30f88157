using System.Globalization;

namespace Watchdog.Simulator;

/// <summary>Renders list replies from the model with Asterisk 22's field names, order and framing.</summary>
internal static class PbxReplies
{
    public static IEnumerable<AmiWire> RegistrationsOutbound(SimulatedPbx pbx, string? id)
    {
        yield return ListStart(id, "Following are Events for each Outbound registration");
        var registered = 0;
        foreach (var r in pbx.Registrations)
        {
            if (r.Status == "Registered") registered++;
            yield return new AmiWire().Add("Event", "OutboundRegistrationDetail").ActionId(id)
                .Add("ObjectType", "registration").Add("ObjectName", r.Name).Add("MaxRetries", r.MaxRetries.ToString(CultureInfo.InvariantCulture))
                .Add("ClientUri", r.ClientUri).Add("SecurityNegotiation", "no").Add("AuthRejectionPermanent", r.AuthRejectionPermanent ? "true" : "false")
                .Add("ServerUri", r.ServerUri).Add("MaxRandomInitialDelay", "10").Add("SupportPath", "false").Add("RetryInterval", Num(r.RetryInterval))
                .Add("ContactHeaderParams", "").Add("Expiration", Num(r.Expiration)).Add("Transport", "transport-udp").Add("Line", r.Line ? "true" : "false")
                .Add("ContactUser", r.ContactUser).Add("Endpoint", r.Endpoint).Add("UserAgent", "").Add("ForbiddenRetryInterval", Num(r.ForbiddenRetryInterval))
                .Add("OutboundAuth", r.OutboundAuth).Add("OutboundProxy", "").Add("FatalRetryInterval", Num(r.FatalRetryInterval)).Add("SupportOutbound", "no")
                .Add("Status", r.Status).Add("NextReg", r.Status == "Registered" ? "0" : Num(r.RetryInterval));
            yield return new AmiWire().Add("Event", "AuthDetail").ActionId(id)
                .Add("ObjectType", "auth").Add("ObjectName", r.OutboundAuth).Add("OauthSecret", "").Add("PasswordDigest", "")
                .Add("SupportedAlgorithmsUas", "MD5").Add("RefreshToken", "").Add("Username", r.AuthUsername).Add("Md5Cred", "")
                .Add("Realm", "").Add("AuthType", "userpass").Add("Password", r.Password).Add("SupportedAlgorithmsUac", "MD5")
                .Add("NonceLifetime", "32").Add("OauthClientid", "");
        }
        yield return new AmiWire().Add("Event", "OutboundRegistrationDetailComplete").ActionId(id).Add("EventList", "Complete")
            .Add("ListItems", pbx.Registrations.Count.ToString(CultureInfo.InvariantCulture))
            .Add("Registered", registered.ToString(CultureInfo.InvariantCulture))
            .Add("NotRegistered", (pbx.Registrations.Count - registered).ToString(CultureInfo.InvariantCulture));
    }

    public static IEnumerable<AmiWire> Endpoints(SimulatedPbx pbx, string? id)
    {
        yield return ListStart(id, "A listing of Endpoints follows, presented as EndpointList events");
        foreach (var e in pbx.Endpoints.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var active = pbx.Channels.Count(c => c.Endpoint == e.Name);
            yield return new AmiWire().Add("Event", "EndpointList").ActionId(id)
                .Add("ObjectType", "endpoint").Add("ObjectName", e.Name).Add("Transport", e.Transport).Add("Aor", e.Aor)
                .Add("Auths", e.Auths).Add("OutboundAuths", e.OutboundAuths)
                .Add("Contacts", string.Concat(e.Contacts.Select(c => $"{c.Aor}/{c.Uri},")))
                .Add("DeviceState", DeviceState(e, active)).Add("ActiveChannels", active.ToString(CultureInfo.InvariantCulture));
        }
        yield return ListComplete(id, "EndpointListComplete", pbx.Endpoints.Count);
    }

    public static IEnumerable<AmiWire>? Endpoint(SimulatedPbx pbx, string? name, string? id)
    {
        var e = pbx.Endpoints.FirstOrDefault(x => x.Name == name);
        if (e is null)
        {
            return null;
        }
        var active = pbx.Channels.Count(c => c.Endpoint == e.Name);
        var items = new List<AmiWire>
        {
            ListStart(id, "Following are Events for each object associated with the Endpoint"),
            new AmiWire().Add("Event", "EndpointDetail").ActionId(id).Add("ObjectType", "endpoint").Add("ObjectName", e.Name)
                .Add("Aors", e.Aor).Add("Context", e.Context).Add("RtpTimeout", e.RtpTimeout.ToString(CultureInfo.InvariantCulture))
                .Add("DirectMedia", "false").Add("DeviceState", DeviceState(e, active)).Add("ActiveChannels", active.ToString(CultureInfo.InvariantCulture)),
            new AmiWire().Add("Event", "AorDetail").ActionId(id).Add("ObjectType", "aor").Add("ObjectName", e.Aor)
                .Add("Contacts", string.Join(",", e.Contacts.Select(c => $"{c.Aor}/{c.Uri}"))).Add("EndpointName", e.Name),
        };
        foreach (var c in e.Contacts)
        {
            items.Add(new AmiWire().Add("Event", "ContactStatusDetail").ActionId(id).Add("AOR", c.Aor).Add("URI", c.Uri)
                .Add("UserAgent", "").Add("RegExpire", "0").Add("Status", c.Status).Add("RoundtripUsec", Rtt(c))
                .Add("EndpointName", e.Name).Add("ID", $"{c.Aor}@@{Math.Abs(c.Uri.GetHashCode()):x8}").Add("AuthenticateQualify", "0")
                .Add("OutboundProxy", "").Add("Path", "").Add("QualifyFrequency", "60").Add("QualifyTimeout", "3.000").Add("Qualify2xxOnly", "0"));
        }
        items.Add(ListComplete(id, "EndpointDetailComplete", items.Count - 1));
        return items;
    }

    public static IEnumerable<AmiWire> Contacts(SimulatedPbx pbx, string? id)
    {
        var dynamic = pbx.Endpoints.SelectMany(e => e.Contacts.Where(c => c.Dynamic).Select(c => (e, c))).ToList();
        if (dynamic.Count == 0)
        {
            // Asterisk's quirk, kept on purpose: the message line ends in a bare LF, then CRLF, then an extra CRLF.
            yield return new AmiWire().Add("Response", "Error").ActionId(id).Raw("Message: No Contacts found\n\r\n");
            yield break;
        }
        yield return ListStart(id, "A listing of Contacts follows, presented as ContactList events");
        foreach (var (e, c) in dynamic)
        {
            yield return new AmiWire().Add("Event", "ContactList").ActionId(id).Add("ObjectType", "contact")
                .Add("ObjectName", $"{c.Aor};@{Math.Abs(c.Uri.GetHashCode()):x8}").Add("Endpoint", e.Name).Add("Uri", c.Uri)
                .Add("Status", c.Status).Add("RoundtripUsec", Rtt(c));
        }
        yield return ListComplete(id, "ContactListComplete", dynamic.Count);
    }

    /// <summary><c>PJSIPShowAors</c>: one <c>AorList</c> per AOR, sorted by name, as Asterisk 22 lists them.</summary>
    public static IEnumerable<AmiWire> Aors(SimulatedPbx pbx, string? id)
    {
        yield return ListStart(id, "A listing of AORs follows, presented as AorList events");
        var aors = pbx.Endpoints.OrderBy(e => e.Aor, StringComparer.Ordinal).ToList();
        foreach (var e in aors)
        {
            yield return new AmiWire().Add("Event", "AorList").ActionId(id).Add("ObjectType", "aor").Add("ObjectName", e.Aor)
                .Add("MinimumExpiration", "60").Add("DefaultExpiration", "3600").Add("QualifyTimeout", "3.000000").Add("Qualify2xxOnly", "false")
                .Add("Mailboxes", "").Add("SupportPath", "false").Add("RemoveUnavailable", "false").Add("VoicemailExtension", "")
                .Add("MaxContacts", Num(e.MaxContacts)).Add("AuthenticateQualify", "false")
                .Add("Contacts", string.Join(",", e.Contacts.Select(c => $"{c.Aor}/{c.Uri}"))).Add("MaximumExpiration", "7200")
                .Add("QualifyFrequency", Num(e.QualifyFrequency)).Add("RemoveExisting", e.MaxContacts == 1 ? "true" : "false").Add("OutboundProxy", "");
        }
        yield return ListComplete(id, "AorListComplete", aors.Count);
    }

    public static IEnumerable<AmiWire> Channels(SimulatedPbx pbx, string? id, DateTimeOffset now)
    {
        yield return ListStart(id, "Channels will follow");
        foreach (var c in pbx.Channels)
        {
            var age = now - c.Created;
            yield return new AmiWire().Add("Event", "CoreShowChannel").ActionId(id).Add("Channel", c.Name)
                .Add("ChannelState", c.State.ToString(CultureInfo.InvariantCulture)).Add("ChannelStateDesc", c.StateDesc)
                .Add("CallerIDNum", c.CallerIdNum).Add("CallerIDName", "<unknown>").Add("ConnectedLineNum", "<unknown>")
                .Add("ConnectedLineName", "<unknown>").Add("Language", "en").Add("AccountCode", "").Add("Context", c.Context)
                .Add("Exten", c.Exten).Add("Priority", "1").Add("Uniqueid", c.Uniqueid).Add("Linkedid", c.Linkedid)
                .Add("Application", c.Application).Add("ApplicationData", "")
                .Add("Duration", $"{(int)age.TotalHours:00}:{age.Minutes:00}:{age.Seconds:00}").Add("BridgeId", c.BridgeId);
        }
        yield return ListComplete(id, "CoreShowChannelsComplete", pbx.Channels.Count);
    }

    public static AmiWire CoreStatus(SimulatedPbx pbx, string? id) =>
        AmiWire.Response("Success", id)
            .Add("CoreStartupDate", pbx.StartedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("CoreStartupTime", pbx.StartedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
            .Add("CoreReloadDate", pbx.ReloadedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Add("CoreReloadTime", pbx.ReloadedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
            .Add("CoreCurrentCalls", pbx.Channels.Select(c => c.Linkedid).Distinct().Count().ToString(CultureInfo.InvariantCulture))
            .Add("CoreProcessedCalls", pbx.ProcessedCalls.ToString(CultureInfo.InvariantCulture));

    public static AmiWire CoreSettings(SimulatedPbx pbx, string? id) =>
        AmiWire.Response("Success", id).Add("AMIversion", "11.0.0").Add("AsteriskVersion", pbx.AsteriskVersion).Add("SystemName", "")
            .Add("CoreMaxCalls", "0").Add("CoreMaxLoadAvg", "0.000000").Add("CoreRunUser", "").Add("CoreRunGroup", "")
            .Add("CoreMaxFilehandles", "0").Add("CoreRealTimeEnabled", "No").Add("CoreCDRenabled", "Yes").Add("CoreHTTPenabled", "No")
            .Add("SoundsSearchCustomDir", "No");

    // ---- single replies of actions (shapes from the captures) ----

    public static AmiWire Message(string? id, string message) => AmiWire.Response("Success", id).Add("Message", message);

    /// <summary><c>PJSIPRegister</c>'s answer, before the new REGISTER's outcome arrives as a <c>Registry</c> event.</summary>
    public static AmiWire ReregistrationSent(string? id) => Message(id, "Reregistration sent");

    public static AmiWire NoSuchRegistration(string? name, string? id) =>
        AmiWire.Response("Error", id).Add("Message", $"Unable to retrieve registration entry {name}");

    // Asterisk's quirk, kept: the message line ends in a bare LF.
    public static AmiWire NoSuchEndpoint(string? name, string? id) =>
        AmiWire.Response("Error", id).Raw($"Message: Unable to retrieve endpoint {name}\n\r\n");

    public static AmiWire UnknownAction(string action, string? id) =>
        AmiWire.Response("Error", id).Add("Message", $"Invalid/unknown command: {action}. Use Action: ListCommands to show available commands.");

    public static AmiWire ModuleNotLoaded(string? id) => AmiWire.Response("Error", id).Add("Message", "Module not loaded");

    /// <summary>The event after a module reload: <c>Module</c>, <c>Status: 0</c>.</summary>
    public static AmiWire ReloadEvent(string module) => AmiWire.Event("Reload", "system,all").Add("Module", module).Add("Status", "0");

    public static AmiWire CommandFollows(string? id) => Message(id, "Command output follows");

    public static AmiWire ShowRegistrations(AmiWire reply, SimulatedPbx pbx)
    {
        reply.Add("Output", "").Add("Output", " <Registration/ServerURI..............................>  <Auth....................>  <Status.......>")
            .Add("Output", "==========================================================================================").Add("Output", "");
        foreach (var r in pbx.Registrations)
        {
            reply.Add("Output", $" {r.Name + "/" + r.ServerUri,-55} {r.OutboundAuth,-27} {r.Status}");
        }
        return reply.Add("Output", "").Add("Output", $"Objects found: {pbx.Registrations.Count}").Add("Output", "");
    }

    public static string Rtt(SimContact c) =>
        c.Status == "Reachable" && c.RoundtripUsec is { } rtt ? rtt.ToString(CultureInfo.InvariantCulture) : "N/A";

    private static string DeviceState(SimEndpoint e, int active) =>
        e.Contacts.Count == 0 || e.Contacts.All(c => c.Status == "Unreachable") ? "Unavailable" : active > 0 ? "In use" : "Not in use";

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static AmiWire ListStart(string? id, string message) =>
        AmiWire.Response("Success", id).Add("EventList", "start").Add("Message", message);

    private static AmiWire ListComplete(string? id, string eventName, int count) =>
        new AmiWire().Add("Event", eventName).ActionId(id).Add("EventList", "Complete").Add("ListItems", count.ToString(CultureInfo.InvariantCulture));
}
