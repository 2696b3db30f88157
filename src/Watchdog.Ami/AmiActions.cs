namespace Watchdog.Ami;

/// <summary>The actions the watchdog sends, spelled as Asterisk 20/22 expects them.</summary>
public static class AmiActions
{
    /// <summary><c>Ping</c>: a keepalive; answered with <c>Ping: Pong</c>.</summary>
    public static AmiAction Ping() => new("Ping");

    /// <summary>Plain-text login.</summary>
    public static AmiAction Login(string username, string secret, string events) =>
        new AmiAction("Login").Add("Username", username).Add("Secret", secret).Add("Events", events);

    /// <summary>Asks for an MD5 challenge.</summary>
    public static AmiAction Challenge() => new AmiAction("Challenge").Add("AuthType", "MD5");

    /// <summary>Login answering an MD5 challenge: <c>Key = md5(challenge + secret)</c>.</summary>
    public static AmiAction LoginMd5(string username, string key, string events) =>
        new AmiAction("Login").Add("AuthType", "MD5").Add("Username", username).Add("Key", key).Add("Events", events);

    /// <summary><c>Logoff</c>: answered with <c>Response: Goodbye</c>.</summary>
    public static AmiAction Logoff() => new("Logoff");

    /// <summary>Runs a CLI command; the output comes back as <c>Output</c> lines.</summary>
    public static AmiAction Command(string command) => new AmiAction("Command").Add("Command", command);

    /// <summary>Uptime, reload time, calls.</summary>
    public static AmiAction CoreStatus() => new("CoreStatus");

    /// <summary>Asterisk version and settings.</summary>
    public static AmiAction CoreSettings() => new("CoreSettings");

    /// <summary>Event list of outbound registrations (each followed by its auth, whose password is wiped on read).</summary>
    public static AmiAction PJSIPShowRegistrationsOutbound() => new("PJSIPShowRegistrationsOutbound");

    /// <summary>Event list of endpoints (<c>EndpointList</c>).</summary>
    public static AmiAction PJSIPShowEndpoints() => new("PJSIPShowEndpoints");

    /// <summary>Event list describing one endpoint, including <c>ContactStatusDetail</c> for its contacts.</summary>
    public static AmiAction PJSIPShowEndpoint(string endpoint) => new AmiAction("PJSIPShowEndpoint").Add("Endpoint", endpoint);

    /// <summary>Event list of dynamic contacts (<c>ContactList</c>); an error "No Contacts found" when there are none.</summary>
    public static AmiAction PJSIPShowContacts() => new("PJSIPShowContacts");

    /// <summary>Event list of channels (<c>CoreShowChannel</c>).</summary>
    public static AmiAction CoreShowChannels() => new("CoreShowChannels");

    /// <summary>Re-sends an outbound registration (Asterisk first unregisters, then registers).</summary>
    public static AmiAction PJSIPRegister(string registration) => new AmiAction("PJSIPRegister").Add("Registration", registration);

    /// <summary>Reloads a module. <c>ModuleReload</c> is not an AMI action; this is the way that works.</summary>
    public static AmiAction ModuleReload(string module) =>
        new AmiAction("ModuleLoad").Add("Module", module).Add("LoadType", "reload");
}
