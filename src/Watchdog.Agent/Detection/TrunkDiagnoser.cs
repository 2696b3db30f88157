using System.Net;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.State;
using Log = Watchdog.Agent.LogMessages;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Explains trunk trouble seen in Asterisk's log with the exact configuration fix: a provider's request that
/// matched no endpoint (the identify lacks its address) and RTP timeouts that the NAT or firewall set-up
/// explains. Called from the messages-log loop and from the provider-request loop; one gate orders them.
/// </summary>
public sealed class TrunkDiagnoser(
    DiagnosisSettings settings,
    DoctorAudit audit,
    IAlertPublisher alerts,
    TimeProvider time,
    ILogger<TrunkDiagnoser> logger,
    PbxStateStore? state = null)
{
    private static readonly TimeSpan ConfigCacheTime = TimeSpan.FromMinutes(1);
    private readonly Dictionary<IPAddress, DateTimeOffset> _alertedAddresses = [];
    private readonly IReadOnlyList<(string Endpoint, IPNetwork Range)> _ranges = settings.Trunks.Providers
        .SelectMany(p => (p.Ranges ?? []).Select(r => (p.Endpoint, IPNetwork.Parse(r)))).ToList();
    private AsteriskConfig? _pjsip;
    private DateTimeOffset _pjsipReadAt = DateTimeOffset.MinValue;
    private DateTimeOffset _lastNoAudioCheck = DateTimeOffset.MinValue;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// A request matched no endpoint. When its source is in a provider's range or at/near a trunk's known address,
    /// alerts (once per address per <see cref="TrunkDiagnosisOptions.UnmatchedAlertInterval"/>) with the <c>match=</c> line to add.
    /// </summary>
    /// <returns>The alert published, or null.</returns>
    public async Task<Alert?> OnUnmatchedAsync(UnmatchedRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await OnUnmatchedCoreAsync(request, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Alert?> OnUnmatchedCoreAsync(UnmatchedRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pjsip = await PjsipAsync(now, ct).ConfigureAwait(false);
        if (TrunkOf(request.Address, pjsip) is not { } trunk)
        {
            return null;
        }
        if (_alertedAddresses.TryGetValue(request.Address, out var last) && now - last < settings.Trunks.UnmatchedAlertInterval)
        {
            return null;
        }
        foreach (var stale in _alertedAddresses.Where(kv => now - kv.Value >= settings.Trunks.UnmatchedAlertInterval).Select(kv => kv.Key).ToList())
        {
            _alertedAddresses.Remove(stale);
        }
        _alertedAddresses[request.Address] = now;

        var fix = IdentifyFix(pjsip, trunk, request.Address);
        Log.UnmatchedProviderRequest(logger, request.Address.ToString(), trunk, fix);
        var alert = new Alert(AlertKind.TrunkUnmatchedRequest, AlertSeverity.Warning, request.Address.ToString(), now)
        {
            Key = $"unmatched:{request.Address}",
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["trunk"] = trunk,
                ["method"] = request.Method.Length > 0 ? request.Method : "unknown",
                ["fix"] = fix,
            },
        };
        alerts.Publish(alert);
        return alert;
    }

    /// <summary>
    /// An RTP timeout on <paramref name="endpoint"/>. When it is a trunk and at most once per
    /// <see cref="TrunkDiagnosisOptions.NoAudioCheckInterval"/>, audits the configuration and firewall and alerts
    /// "no audio" with the fixes that explain it.
    /// </summary>
    /// <returns>The alert published, or null.</returns>
    public async Task<Alert?> OnRtpTimeoutAsync(string endpoint, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await OnRtpTimeoutCoreAsync(endpoint, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Alert?> OnRtpTimeoutCoreAsync(string endpoint, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - _lastNoAudioCheck < settings.Trunks.NoAudioCheckInterval)
        {
            return null;
        }
        var pjsip = await PjsipAsync(now, ct).ConfigureAwait(false);
        var trunk = pjsip is null ? null : PjsipAudit.TrunkEndpoints(pjsip, settings.Doctor.TrunkEndpoints).FirstOrDefault(e => e.Name == endpoint);
        if (trunk is null && !settings.Trunks.Providers.Any(p => p.Endpoint == endpoint))
        {
            return null;
        }
        _lastNoAudioCheck = now;
        var transport = trunk?.Get("transport");
        var report = await audit.RunAsync(ct).ConfigureAwait(false);
        var causes = report.Findings.Where(f => f.Severity >= FindingSeverity.Warning && (
                (f.Id == "pjsip.transport.external_media_address" && (transport is null || f.Subject.EndsWith($"[{transport}]", StringComparison.Ordinal)))
                || f.Id is "firewall.rtp" or "firewall.active" or "rtp.range"
                || (f.Id is "pjsip.trunk.rtp_symmetric" or "pjsip.trunk.direct_media" && f.Subject.EndsWith($"[{endpoint}]", StringComparison.Ordinal))))
            .ToList();
        if (causes.Count == 0)
        {
            return null;
        }
        Log.NoAudioExplained(logger, endpoint, string.Join(", ", causes.Select(c => c.Id)));
        var alert = new Alert(AlertKind.TrunkNoAudio, AlertSeverity.Warning, endpoint, now)
        {
            Key = $"no-audio:{endpoint}",
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["cause"] = string.Join("; ", causes.Select(c => $"{c.Subject}: {c.Found}")),
                ["fix"] = string.Join(" | ", causes.Select(c => c.Fix).Where(f => f.Length > 0).Distinct()),
            },
        };
        alerts.Publish(alert);
        return alert;
    }

    private async Task<AsteriskConfig?> PjsipAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (_pjsip is null || now - _pjsipReadAt >= ConfigCacheTime)
        {
            _pjsip = await AsteriskConfig.LoadAsync(settings.Doctor.ConfigDirectory, "pjsip.conf", ct).ConfigureAwait(false);
            _pjsipReadAt = now;
        }
        return _pjsip;
    }

    /// <summary>The trunk the address belongs to: inside a provider range, or equal to/in the same /24 (/64) as a known address.</summary>
    private string? TrunkOf(IPAddress address, AsteriskConfig? pjsip)
    {
        foreach (var (endpoint, range) in _ranges)
        {
            if (range.Contains(address)) return endpoint;
        }
        if (IPAddress.IsLoopback(address))
        {
            return null; // a provider never sends from loopback; local tools and tests do
        }
        var known = KnownAddresses(pjsip).ToList();
        return known.FirstOrDefault(k => k.Address.Equals(address)).Endpoint
            ?? known.FirstOrDefault(k => Near(k.Address, address)).Endpoint;
    }

    private IEnumerable<(string Endpoint, IPAddress Address)> KnownAddresses(AsteriskConfig? pjsip)
    {
        if (pjsip is not null)
        {
            foreach (var trunk in PjsipAudit.TrunkEndpoints(pjsip, settings.Doctor.TrunkEndpoints))
            {
                foreach (var identify in pjsip.OfType("identify").Where(i => i.Get("endpoint") == trunk.Name))
                {
                    foreach (var match in identify.GetAll("match"))
                    {
                        if (IPAddress.TryParse(match, out var a)) yield return (trunk.Name, a);
                    }
                }
                var aors = (trunk.Get("aors") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                foreach (var aor in pjsip.OfType("aor").Where(a => aors.Contains(a.Name)))
                {
                    foreach (var contact in aor.GetAll("contact"))
                    {
                        if (SipUri.HostAddress(contact) is { } a) yield return (trunk.Name, a);
                    }
                }
            }
        }
        if (state is not null)
        {
            var snapshot = state.Current;
            var trunks = new HashSet<string>(snapshot.Registrations.Values.Select(r => r.Endpoint)
                .Concat(settings.Doctor.TrunkEndpoints).Concat(settings.Trunks.Providers.Select(p => p.Endpoint)), StringComparer.Ordinal);
            foreach (var endpoint in snapshot.Endpoints.Values.Where(e => trunks.Contains(e.Name)))
            {
                foreach (var contact in endpoint.Contacts.Values)
                {
                    if (SipUri.HostAddress(contact.Uri) is { } a)
                    {
                        yield return (endpoint.Name, a);
                    }
                }
            }
        }
    }

    private static bool Near(IPAddress known, IPAddress address)
    {
        if (known.AddressFamily != address.AddressFamily) return false;
        var prefix = known.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 24 : 64;
        return new IPNetwork(Mask(known, prefix), prefix).Contains(address);
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }
        return new IPAddress(bytes);
    }

    /// <summary>The exact line to add: to the trunk's identify, or a whole identify when it has none.</summary>
    private static string IdentifyFix(AsteriskConfig? pjsip, string trunk, IPAddress address)
    {
        var identify = pjsip?.OfType("identify").FirstOrDefault(i => i.Get("endpoint") == trunk);
        if (identify is null)
        {
            return $"Add to pjsip.conf: [{trunk}-identify] type=identify, endpoint={trunk}, match={address}";
        }
        var covering = identify.GetAll("match").FirstOrDefault(m => IPNetwork.TryParse(m, out var n) && n.Contains(address));
        return covering is null
            ? $"In {identify.File} [{identify.Name}] add: match={address}"
            : $"{identify.File} [{identify.Name}] already has match={covering}, which Asterisk is not using: run 'pjsip reload' and check the section loads";
    }
}

/// <summary>Takes the host of a SIP URI when it is an IP address literal.</summary>
internal static class SipUri
{
    /// <summary>The host of <c>sip:user@host:port;params</c> (also with &lt;&gt;), or null when it is a name.</summary>
    public static IPAddress? HostAddress(string uri) => IPAddress.TryParse(Host(uri), out var a) ? a : null;

    /// <summary>Whether the URI's host part carries a port (<c>sip:host:5060</c>, <c>sip:[2001:db8::1]:5060</c>): then RFC 3263 uses no SRV.</summary>
    public static bool HasPort(string uri)
    {
        var s = HostPort(uri);
        return s.StartsWith("[") ? s.IndexOf("]:") > 0 : s.IndexOf(':') > 0;
    }

    /// <summary>The host part of a SIP URI (brackets kept off IPv6), or empty.</summary>
    public static string Host(string uri)
    {
        var s = HostPort(uri);
        if (s.StartsWith("["))
        {
            var close = s.IndexOf(']');
            return close > 0 ? s[1..close].ToString() : "";
        }
        var port = s.IndexOf(':');
        return (port >= 0 ? s[..port] : s).ToString();
    }

    /// <summary><c>host[:port]</c> of a SIP URI: without the scheme, the user part and the parameters.</summary>
    private static ReadOnlySpan<char> HostPort(string uri)
    {
        var s = uri.AsSpan().Trim().TrimStart('<');
        var colon = s.IndexOf(':');
        if (colon >= 0 && (s[..colon].Equals("sip", StringComparison.OrdinalIgnoreCase) || s[..colon].Equals("sips", StringComparison.OrdinalIgnoreCase)))
        {
            s = s[(colon + 1)..];
        }
        var at = s.IndexOf('@');
        if (at >= 0) s = s[(at + 1)..];
        var end = s.IndexOfAny(";>?");
        return end >= 0 ? s[..end] : s;
    }
}
