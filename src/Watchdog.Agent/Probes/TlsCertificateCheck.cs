using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Watchdog.Agent.Probes;

/// <summary>What is wrong with a TLS endpoint.</summary>
public enum TlsProblem
{
    /// <summary>TCP connect failed or timed out.</summary>
    ConnectFailed,
    /// <summary>Connected, but the TLS handshake failed.</summary>
    HandshakeFailed,
    /// <summary>The certificate's NotAfter has passed.</summary>
    Expired,
    /// <summary>The certificate's NotBefore is in the future.</summary>
    NotYetValid,
    /// <summary>The certificate does not carry the expected name.</summary>
    NameMismatch,
    /// <summary>The chain does not lead to a trusted root.</summary>
    Untrusted,
    /// <summary>Valid, but expires within the warning window.</summary>
    ExpiresSoon,
}

/// <summary>The outcome for one target.</summary>
/// <param name="Target">The configured target name.</param>
/// <param name="Problems">Empty when all is well.</param>
/// <param name="Detail">Human-readable explanation (chain status, socket error).</param>
/// <param name="Subject">Leaf certificate subject, when one was received.</param>
/// <param name="NotAfter">Leaf expiry, when one was received.</param>
/// <param name="SecondsToExpiry">Seconds from now to <paramref name="NotAfter"/> (negative when expired).</param>
public sealed record TlsCheckResult(
    string Target, IReadOnlyList<TlsProblem> Problems, string Detail, string? Subject, DateTimeOffset? NotAfter, double? SecondsToExpiry)
{
    /// <summary>True when there are no problems.</summary>
    public bool Ok => Problems.Count == 0;

    /// <summary>Whole days to expiry (rounded down), when known.</summary>
    public int? DaysToExpiry => SecondsToExpiry is { } s ? (int)Math.Floor(s / 86400) : null;
}

/// <summary><c>watchdog_tls_cert_expiry_seconds{target}</c> and <c>watchdog_tls_check_ok{target}</c>.</summary>
public sealed class TlsCheckMetrics
{
    private readonly Gauge _expiry;
    private readonly Gauge _ok;

    /// <summary>Creates the metrics in <paramref name="factory"/>; <paramref name="targets"/> are the only label values.</summary>
    public TlsCheckMetrics(IMetricFactory factory, IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(targets);
        _expiry = factory.CreateGauge("watchdog_tls_cert_expiry_seconds", "Seconds until the TLS certificate of a SIP/TLS target expires (negative: expired).",
            new GaugeConfiguration { LabelNames = ["target"] });
        _ok = factory.CreateGauge("watchdog_tls_check_ok", "1 when the TLS target connected with a trusted, current certificate for its name.",
            new GaugeConfiguration { LabelNames = ["target"] });
        foreach (var target in targets)
        {
            _ok.WithLabels(target);
        }
    }

    /// <summary>Publishes one result.</summary>
    public void Observe(TlsCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.SecondsToExpiry is { } seconds)
        {
            _expiry.WithLabels(result.Target).Set(seconds);
        }

        // Expiring soon is a warning, not a failed check.
        _ok.WithLabels(result.Target).Set(result.Problems.All(p => p == TlsProblem.ExpiresSoon) ? 1 : 0);
    }
}

/// <summary>
/// Connects to each TLS target, takes whatever certificate is offered, and judges it itself — chain against the
/// configured anchors (or the system store), host name, validity at <see cref="TimeProvider"/>'s now, days left —
/// so one run reports every problem instead of the first handshake error.
/// </summary>
public sealed class TlsCertificateCheck
{
    private readonly TlsCheckOptions _options;
    private readonly TlsCheckMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<TlsCertificateCheck> _logger;
    private readonly X509Certificate2Collection _anchors;

    /// <summary>
    /// Creates the check. Trust anchors come from <paramref name="trustAnchors"/> when given, otherwise from
    /// <see cref="TlsCheckOptions.TrustAnchorFiles"/>; with none, the system trust store is used.
    /// </summary>
    public TlsCertificateCheck(TlsCheckOptions options, TlsCheckMetrics metrics, TimeProvider time, ILogger<TlsCertificateCheck> logger,
        X509Certificate2Collection? trustAnchors = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _anchors = trustAnchors ?? LoadAnchors(options.TrustAnchorFiles);
    }

    private static X509Certificate2Collection LoadAnchors(IReadOnlyList<string> files)
    {
        var anchors = new X509Certificate2Collection();
        foreach (var file in files)
        {
            anchors.ImportFromPemFile(file);
        }

        return anchors;
    }

    /// <summary>Checks every configured target, one after the other.</summary>
    public async Task<IReadOnlyList<TlsCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<TlsCheckResult>(_options.Targets.Count);
        foreach (var target in _options.Targets)
        {
            results.Add(await CheckAsync(target, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Checks one target, publishes the result and logs problems.</summary>
    public async Task<TlsCheckResult> CheckAsync(TlsTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var result = await ProbeAsync(target, cancellationToken).ConfigureAwait(false);
        _metrics.Observe(result);
        if (!result.Ok)
        {
            LogMessages.TlsProblem(_logger, target.Name, target.Host, target.Port, string.Join(",", result.Problems), result.Detail);
        }

        return result;
    }

    private async Task<TlsCheckResult> ProbeAsync(TlsTarget target, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(target.Host, target.Port, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return Failed(target, TlsProblem.ConnectFailed, e is SocketException s ? s.SocketErrorCode.ToString() : "timed out");
        }

        X509Certificate2? leaf = null;
        var intermediates = new X509Certificate2Collection();
        await using var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = target.ExpectedName,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    // Accept anything here: the verdict is ours, made below against our anchors and our clock.
                    if (certificate is not null)
                    {
                        leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    }

                    foreach (var element in chain?.ChainElements.Skip(1) ?? [])
                    {
                        intermediates.Add(X509CertificateLoader.LoadCertificate(element.Certificate.RawData));
                    }

                    return true;
                },
            }, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException
            || (e is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return Failed(target, TlsProblem.HandshakeFailed, e is OperationCanceledException ? "timed out" : e.Message);
        }

        if (leaf is null)
        {
            return Failed(target, TlsProblem.HandshakeFailed, "no certificate offered");
        }

        using (leaf)
        {
            return Judge(target, leaf, intermediates);
        }
    }

    private TlsCheckResult Judge(TlsTarget target, X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        var now = _time.GetUtcNow();
        var problems = new List<TlsProblem>();
        var details = new List<string>();
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var secondsLeft = (notAfter - now).TotalSeconds;

        if (notAfter <= now)
        {
            problems.Add(TlsProblem.Expired);
            details.Add($"expired {notAfter:u}");
        }
        else if (notBefore > now)
        {
            problems.Add(TlsProblem.NotYetValid);
            details.Add($"valid only from {notBefore:u}");
        }

        if (!leaf.MatchesHostname(target.ExpectedName))
        {
            problems.Add(TlsProblem.NameMismatch);
            details.Add($"certificate is not for {target.ExpectedName}");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        // Time problems are reported above on their own; here only "does it lead to a root we trust".
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        if (_anchors.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_anchors);
        }

        if (!chain.Build(leaf))
        {
            problems.Add(TlsProblem.Untrusted);
            details.Add("chain: " + string.Join("; ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct()));
        }

        if (problems.Count == 0 && secondsLeft < _options.WarningDays * 86400d)
        {
            problems.Add(TlsProblem.ExpiresSoon);
            details.Add($"expires in {Math.Floor(secondsLeft / 86400)} days ({notAfter:u})");
        }

        return new TlsCheckResult(target.Name, problems, details.Count == 0 ? "ok" : string.Join("; ", details), leaf.Subject, notAfter, secondsLeft);
    }

    private static TlsCheckResult Failed(TlsTarget target, TlsProblem problem, string detail) =>
        new(target.Name, [problem], detail, null, null, null);
}
