namespace Watchdog.Simulator;

/// <summary>How the simulated registrar answers REGISTER.</summary>
public enum RegistrarBehaviour
{
    /// <summary>200 OK: the registration comes up.</summary>
    Accepts,
    /// <summary>403 Forbidden: Asterisk reports <c>Rejected</c>.</summary>
    Forbids,
    /// <summary>No answer: Asterisk reports <c>Rejected</c> after its timeout.</summary>
    Silent,
}

/// <summary>An outbound registration of the simulated PBX.</summary>
public sealed class SimRegistration
{
    public required string Name { get; init; }
    public required string ClientUri { get; init; }
    public required string ServerUri { get; init; }
    public required string Endpoint { get; init; }
    public required string OutboundAuth { get; init; }
    /// <summary>The trunk password, sent in clear in <c>AuthDetail</c> exactly as Asterisk does.</summary>
    public required string Password { get; init; }
    public string AuthUsername { get; init; } = "";
    public int MaxRetries { get; init; } = 100000;
    public bool AuthRejectionPermanent { get; init; }
    public int RetryInterval { get; init; } = 15;
    public int ForbiddenRetryInterval { get; init; } = 15;
    public int FatalRetryInterval { get; init; } = 15;
    public int Expiration { get; init; } = 120;
    public bool Line { get; init; } = true;
    public string ContactUser { get; init; } = "mango-in";
    /// <summary><c>Registered</c>, <c>Unregistered</c>, <c>Rejected</c> …</summary>
    public string Status { get; set; } = "Registered";
    public RegistrarBehaviour Registrar { get; set; } = RegistrarBehaviour.Accepts;
}

/// <summary>A contact of an endpoint (a fixed AOR contact or a registered one).</summary>
public sealed class SimContact
{
    public required string Aor { get; init; }
    public required string Uri { get; init; }
    /// <summary>Dynamic contacts (from REGISTER) are listed by <c>PJSIPShowContacts</c>; fixed ones are not.</summary>
    public bool Dynamic { get; init; }
    /// <summary><c>Reachable</c>, <c>Unreachable</c>, <c>NonQualified</c>, <c>Unknown</c>.</summary>
    public string Status { get; set; } = "Reachable";
    public long? RoundtripUsec { get; set; } = 726;
}

/// <summary>A PJSIP endpoint of the simulated PBX.</summary>
public sealed class SimEndpoint
{
    public required string Name { get; init; }
    public required string Aor { get; init; }
    public string Transport { get; init; } = "transport-udp";
    public string Context { get; init; } = "default";
    public string Auths { get; init; } = "";
    public string OutboundAuths { get; init; } = "";
    public int RtpTimeout { get; init; }
    /// <summary>The AOR's <c>max_contacts</c> (1 for a phone that registers, 0 for a fixed contact).</summary>
    public int MaxContacts { get; init; }
    /// <summary>The AOR's <c>qualify_frequency</c> in seconds (0: not qualified).</summary>
    public int QualifyFrequency { get; init; } = 60;
    public List<SimContact> Contacts { get; } = [];
}

/// <summary>A live channel of the simulated PBX.</summary>
public sealed class SimChannel
{
    public required string Name { get; init; }
    public required string Endpoint { get; init; }
    public required string Uniqueid { get; init; }
    public required string Linkedid { get; init; }
    public string Context { get; init; } = "default";
    public string Exten { get; init; } = "s";
    public string CallerIdNum { get; init; } = "<unknown>";
    public int State { get; set; } = 4;
    public string StateDesc { get; set; } = "Ring";
    public string BridgeId { get; set; } = "";
    public string Application { get; set; } = "Dial";
    public DateTimeOffset Created { get; init; }
}

/// <summary>
/// The in-memory PBX the simulator answers list actions from. Thread-safe through the simulator,
/// which takes <see cref="Gate"/> around every read and change.
/// </summary>
public sealed class SimulatedPbx
{
    internal Lock Gate { get; } = new();

    public string AsteriskVersion { get; set; } = "22.10.1";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset ReloadedAt { get; set; }
    public int ProcessedCalls { get; set; }
    public List<SimRegistration> Registrations { get; } = [];
    public List<SimEndpoint> Endpoints { get; } = [];
    public List<SimChannel> Channels { get; } = [];

    /// <summary>The trunk set-up the watchdog is built for: Mango registration and trunk, ElevenLabs trunk, local extensions.</summary>
    public static SimulatedPbx TrunkSetup(params string[] extensions)
    {
        var pbx = new SimulatedPbx();
        pbx.Registrations.Add(new SimRegistration
        {
            Name = "mango-registration",
            ClientUri = "sip:mango-user@127.0.0.1:5070",
            ServerUri = "sip:127.0.0.1:5070",
            Endpoint = "mango-trunk",
            OutboundAuth = "mango-auth",
            AuthUsername = "mango-user",
            Password = "mango-pass",
        });
        var mango = new SimEndpoint
        {
            Name = "mango-trunk", Aor = "mango-trunk-aor", Context = "from-mango", OutboundAuths = "mango-auth", RtpTimeout = 8,
        };
        mango.Contacts.Add(new SimContact { Aor = "mango-trunk-aor", Uri = "sip:127.0.0.1:5070", Status = "Reachable", RoundtripUsec = 1840 });
        var elevenlabs = new SimEndpoint
        {
            Name = "elevenlabs-trunk", Aor = "elevenlabs-trunk-aor", Context = "from-elevenlabs", RtpTimeout = 8,
        };
        elevenlabs.Contacts.Add(new SimContact { Aor = "elevenlabs-trunk-aor", Uri = "sip:127.0.0.1:5080", Status = "Reachable", RoundtripUsec = 726 });
        pbx.Endpoints.Add(mango);
        pbx.Endpoints.Add(elevenlabs);
        foreach (var ext in extensions.Length == 0 ? ["6001"] : extensions)
        {
            pbx.Endpoints.Add(new SimEndpoint { Name = ext, Aor = ext, Auths = ext + "-auth", Context = "from-internal" });
        }
        return pbx;
    }

    /// <summary>
    /// The operators' layout exactly as captured from Asterisk 22 (shared/ami-transcripts/seed-layout): the
    /// outbound registration (retry and forbidden retry every 10 s), the provider trunk identified by IP with an
    /// AOR that has <b>no contact</b>, the voice-AI trunk with a fixed qualified contact, and phone 6001 not registered.
    /// </summary>
    public static SimulatedPbx SeedLayout()
    {
        var pbx = new SimulatedPbx();
        pbx.Registrations.Add(new SimRegistration
        {
            Name = "mango-registration",
            ClientUri = "sip:mango-user@127.0.0.1:5070",
            ServerUri = "sip:127.0.0.1:5070",
            Endpoint = "",
            OutboundAuth = "mango-auth",
            AuthUsername = "mango-user",
            Password = "mango-pass",
            MaxRetries = 10000,
            RetryInterval = 10,
            ForbiddenRetryInterval = 10,
            FatalRetryInterval = 0,
            Expiration = 60,
            Line = false,
            ContactUser = "mango-user",
        });
        pbx.Endpoints.Add(new SimEndpoint { Name = "6001", Aor = "6001", Auths = "6001-auth", Context = "local", MaxContacts = 1, QualifyFrequency = 0 });
        var elevenlabs = new SimEndpoint { Name = "elevenlabs-trunk", Aor = "elevenlabs-aor", Context = "from-elevenlabs", QualifyFrequency = 10 };
        elevenlabs.Contacts.Add(new SimContact { Aor = "elevenlabs-aor", Uri = "sip:127.0.0.1:5080", Status = "Reachable", RoundtripUsec = 363 });
        pbx.Endpoints.Add(elevenlabs);
        pbx.Endpoints.Add(new SimEndpoint
        {
            Name = "mango-trunk", Aor = "mango-trunk-aor", Context = "from-mango", OutboundAuths = "mango-auth", RtpTimeout = 8, QualifyFrequency = 0,
        });
        return pbx;
    }

    public SimRegistration Registration(string name) =>
        Registrations.FirstOrDefault(r => r.Name == name) ?? throw new ArgumentException($"No simulated registration '{name}'.", nameof(name));

    public SimEndpoint Endpoint(string name) =>
        Endpoints.FirstOrDefault(e => e.Name == name) ?? throw new ArgumentException($"No simulated endpoint '{name}'.", nameof(name));
}
