namespace Watchdog.Agent.Api;

/// <summary>Settings of the agent's HTTP listener (configuration section <c>Api</c>).</summary>
public sealed class AgentApiOptions
{
    /// <summary>Where <c>/metrics</c> and <c>/api/status</c> listen. Loopback by default: put a proxy in front to expose it.</summary>
    public string ListenUrl { get; set; } = "http://127.0.0.1:9105";

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        if (!Uri.TryCreate(Kestrel(ListenUrl), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            return [$"Api.ListenUrl must be an http URL with a host and port, like http://127.0.0.1:9105 (was '{ListenUrl}')."];
        }
        return [];
    }

    /// <summary>True when the listener is reachable only from this host.</summary>
    public bool IsLoopback => Uri.TryCreate(Kestrel(ListenUrl), UriKind.Absolute, out var uri) && uri.IsLoopback;

    // Kestrel's "any address" hosts are not URI hosts.
    private static string Kestrel(string url) => url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
}
