using System.Text.RegularExpressions;

namespace Watchdog.Agent.Probes;

/// <summary>A TLS endpoint to check, e.g. the voice-AI service's SIP over TLS on 5061.</summary>
/// <param name="Name">Short stable name; becomes the <c>target</c> metric label (lower-case letters, digits, '-', '_').</param>
/// <param name="Host">Host name or address to connect to.</param>
/// <param name="Port">TCP port.</param>
/// <param name="ServerName">Name sent as SNI and matched against the certificate; <paramref name="Host"/> when null.</param>
public sealed record TlsTarget(string Name, string Host, int Port, string? ServerName = null)
{
    /// <summary>The name the certificate must carry.</summary>
    public string ExpectedName => ServerName ?? Host;
}

/// <summary>Settings of <see cref="TlsCertificateCheck"/>.</summary>
public sealed partial record TlsCheckOptions
{
    /// <summary>Most targets allowed, which bounds the <c>target</c> label.</summary>
    public const int MaxTargets = 32;

    /// <summary>Endpoints to check.</summary>
    public IReadOnlyList<TlsTarget> Targets { get; set; } = [];

    /// <summary>A certificate expiring in fewer days than this is reported.</summary>
    public int WarningDays { get; set; } = 21;

    /// <summary>Connect plus handshake must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// PEM files with the only roots to trust (a private CA, or tests); empty means the system trust store.
    /// </summary>
    public IReadOnlyList<string> TrustAnchorFiles { get; set; } = [];

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Targets.Count > MaxTargets)
        {
            problems.Add($"{nameof(Targets)} holds {Targets.Count} entries; at most {MaxTargets} are allowed.");
        }

        foreach (var target in Targets)
        {
            if (!LabelName().IsMatch(target.Name ?? ""))
            {
                problems.Add($"Target name '{target.Name}' must be 1-40 of a-z, 0-9, '-', '_' (it is a metric label).");
            }

            if (string.IsNullOrWhiteSpace(target.Host))
            {
                problems.Add($"Target '{target.Name}' has no host.");
            }

            if (target.Port is < 1 or > 65535)
            {
                problems.Add($"Target '{target.Name}' port must be 1..65535 (was {target.Port}).");
            }

            if (target.ServerName is { } sni && string.IsNullOrWhiteSpace(sni))
            {
                problems.Add($"Target '{target.Name}' server name must not be blank.");
            }
        }

        foreach (var duplicate in Targets.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"Target name '{duplicate.Key}' is used {duplicate.Count()} times.");
        }

        if (WarningDays is < 0 or > 365)
        {
            problems.Add($"{nameof(WarningDays)} must be 0..365 (was {WarningDays}).");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(2))
        {
            problems.Add($"{nameof(Timeout)} must be between 0 and 2 minutes (was {Timeout}).");
        }

        foreach (var file in TrustAnchorFiles.Where(f => string.IsNullOrWhiteSpace(f) || !Path.IsPathFullyQualified(f)))
        {
            problems.Add($"Trust anchor file '{file}' must be an absolute path.");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex LabelName();
}
