namespace Watchdog.Ami;

/// <summary>How to reach and talk to Asterisk's manager interface.</summary>
public sealed record AmiClientOptions
{
    /// <summary>Host of the AMI listener.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port (manager.conf <c>port</c>).</summary>
    public int Port { get; set; } = 5038;

    /// <summary>Manager user.</summary>
    public string Username { get; set; } = "watchdog";

    /// <summary>Manager secret. Never logged.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Log in with the MD5 challenge instead of sending the secret.</summary>
    public bool UseMd5Challenge { get; set; } = true;

    /// <summary>The <c>Events:</c> mask sent at login: <c>on</c>, <c>off</c> or a list of classes.</summary>
    public string Events { get; set; } = "on";

    /// <summary>How long a TCP connect may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Default time for an action's complete reply (event lists included).</summary>
    public TimeSpan ActionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a keepalive <c>Ping</c> is sent while idle; zero turns it off.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a <c>Ping</c> may go unanswered before the connection counts as hung.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First reconnect delay; doubles per failed attempt.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait after a refused login before trying again (credentials rarely fix themselves).</summary>
    public TimeSpan AuthFailureRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a read that emptied the socket, how long the reader lets Asterisk's next writes gather in the kernel
    /// before reading again, while no action waits for its reply. Events are then at most this much later, and a busy
    /// PBX costs one wake-up per window instead of one per write (a wake-up is most of the cost per read on a small VM).
    /// A read that fills the buffer never waits, so a flood is read as fast as before. Zero reads every write at once.
    /// </summary>
    public TimeSpan ReadBatchWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Events buffered between the socket reader and the handlers; beyond it events are dropped and a resync is signalled.</summary>
    public int EventQueueCapacity { get; set; } = 20_000;

    /// <summary>Lists every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host)) problems.Add("Ami.Host is empty.");
        if (Port is < 1 or > 65535) problems.Add($"Ami.Port {Port} is not a TCP port (1-65535).");
        if (string.IsNullOrWhiteSpace(Username)) problems.Add("Ami.Username is empty.");
        if (string.IsNullOrEmpty(Secret)) problems.Add("Ami.Secret is empty.");
        if (string.IsNullOrWhiteSpace(Events)) problems.Add("Ami.Events is empty (use 'on', 'off' or a class list such as 'system,call,security').");
        if (ConnectTimeout <= TimeSpan.Zero) problems.Add("Ami.ConnectTimeout must be positive.");
        if (ActionTimeout <= TimeSpan.Zero) problems.Add("Ami.ActionTimeout must be positive.");
        if (PingInterval < TimeSpan.Zero) problems.Add("Ami.PingInterval must not be negative.");
        if (PingTimeout <= TimeSpan.Zero) problems.Add("Ami.PingTimeout must be positive.");
        if (ReconnectInitialDelay <= TimeSpan.Zero) problems.Add("Ami.ReconnectInitialDelay must be positive.");
        if (ReconnectMaxDelay < ReconnectInitialDelay) problems.Add("Ami.ReconnectMaxDelay must be at least ReconnectInitialDelay.");
        if (AuthFailureRetryDelay <= TimeSpan.Zero) problems.Add("Ami.AuthFailureRetryDelay must be positive.");
        if (ReadBatchWindow < TimeSpan.Zero || ReadBatchWindow > TimeSpan.FromSeconds(1)) problems.Add("Ami.ReadBatchWindow must be between 0 and 1 s.");
        if (EventQueueCapacity < 1) problems.Add("Ami.EventQueueCapacity must be at least 1.");
        return problems;
    }
}
