using Microsoft.Extensions.Logging.Testing;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class TlsCertificateCheckTests : IDisposable
{
    private const string Name = "sip.example.test";
    private readonly TestCertificates _certificates = new();
    private readonly MetricsText _metrics = new();

    public void Dispose() => _certificates.Dispose();

    private async Task<TlsCheckResult> Check(X509Certificate2? served, X509Certificate2Collection? anchors = null, int warningDays = 14)
    {
        await using var server = new LoopbackTlsServer(served);
        return await Check(server.Port, anchors, warningDays);
    }

    private async Task<TlsCheckResult> Check(int port, X509Certificate2Collection? anchors = null, int warningDays = 14)
    {
        var target = new TlsTarget("voice-ai", "127.0.0.1", port, Name);
        var options = new TlsCheckOptions { Targets = [target], WarningDays = warningDays, Timeout = TimeSpan.FromSeconds(5) };
        var check = new TlsCertificateCheck(options, new TlsCheckMetrics(_metrics.Factory, ["voice-ai"]), TimeProvider.System,
            new FakeLogger<TlsCertificateCheck>(), anchors ?? [_certificates.Ca]);
        return Assert.Single(await check.RunAsync(CancellationToken.None));
    }

    [Fact(Timeout = 20_000)]
    public async Task Valid_certificate_from_the_trusted_ca_for_the_right_name_is_ok_and_exports_seconds_to_expiry()
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = _certificates.Leaf(Name, now.AddDays(-1), now.AddDays(90));

        var result = await Check(leaf);

        Assert.True(result.Ok, result.Detail);
        Assert.InRange(result.DaysToExpiry!.Value, 88, 90);
        var seconds = await _metrics.ValueAsync("watchdog_tls_cert_expiry_seconds{target=\"voice-ai\"}");
        Assert.InRange(seconds!.Value, 89 * 86400d, 90 * 86400d);
        Assert.Equal(1d, await _metrics.ValueAsync("watchdog_tls_check_ok{target=\"voice-ai\"}"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Expired_certificate_is_reported_expired_with_negative_seconds()
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = _certificates.Leaf(Name, now.AddYears(-1), now.AddDays(-3));

        var result = await Check(leaf);

        Assert.Equal([TlsProblem.Expired], result.Problems);
        Assert.True(result.SecondsToExpiry < -2 * 86400);
        Assert.Equal(0d, await _metrics.ValueAsync("watchdog_tls_check_ok{target=\"voice-ai\"}"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Certificate_not_valid_yet_is_reported()
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = _certificates.Leaf(Name, now.AddDays(2), now.AddDays(200));

        var result = await Check(leaf);

        Assert.Equal([TlsProblem.NotYetValid], result.Problems);
    }

    [Fact(Timeout = 20_000)]
    public async Task Certificate_for_another_name_is_a_name_mismatch()
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = _certificates.Leaf("other.example.test", now.AddDays(-1), now.AddDays(90));

        var result = await Check(leaf);

        Assert.Equal([TlsProblem.NameMismatch], result.Problems);
        Assert.Contains(Name, result.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Certificate_from_a_ca_not_among_the_anchors_is_untrusted()
    {
        using var stranger = new TestCertificates("Stranger CA");
        var now = DateTimeOffset.UtcNow;
        var leaf = stranger.Leaf(Name, now.AddDays(-1), now.AddDays(90));

        var result = await Check(leaf);

        Assert.Equal([TlsProblem.Untrusted], result.Problems);
    }

    [Fact(Timeout = 20_000)]
    public async Task Certificate_expiring_within_the_threshold_is_flagged_but_the_check_still_passes()
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = _certificates.Leaf(Name, now.AddDays(-80), now.AddDays(5));

        var result = await Check(leaf, warningDays: 14);

        Assert.Equal([TlsProblem.ExpiresSoon], result.Problems);
        Assert.InRange(result.DaysToExpiry!.Value, 4, 5);
        Assert.Equal(1d, await _metrics.ValueAsync("watchdog_tls_check_ok{target=\"voice-ai\"}"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Refused_connection_is_a_connect_failure()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Check(port);

        Assert.Equal([TlsProblem.ConnectFailed], result.Problems);
        Assert.Null(await _metrics.ValueAsync("watchdog_tls_cert_expiry_seconds{target=\"voice-ai\"}"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Plain_text_answer_instead_of_tls_is_a_handshake_failure()
    {
        var result = await Check(served: null);

        Assert.Equal([TlsProblem.HandshakeFailed], result.Problems);
    }

    [Fact(Timeout = 20_000)]
    public async Task Trust_anchors_can_come_from_a_pem_file()
    {
        var directory = Directory.CreateTempSubdirectory("watchdog-tls-");
        try
        {
            var pem = _certificates.WriteCaPem(directory.FullName);
            var now = DateTimeOffset.UtcNow;
            await using var server = new LoopbackTlsServer(_certificates.Leaf(Name, now.AddDays(-1), now.AddDays(90)));
            var options = new TlsCheckOptions { Targets = [new TlsTarget("voice-ai", "127.0.0.1", server.Port, Name)], TrustAnchorFiles = [pem] };
            var check = new TlsCertificateCheck(options, new TlsCheckMetrics(_metrics.Factory, ["voice-ai"]), TimeProvider.System,
                new FakeLogger<TlsCertificateCheck>());

            var result = Assert.Single(await check.RunAsync(CancellationToken.None));

            Assert.True(result.Ok, result.Detail);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new TlsCheckOptions
        {
            Targets = [new TlsTarget("Voice AI!", "", 0), new TlsTarget("a", "h", 1), new TlsTarget("a", "h", 1, " ")],
            WarningDays = -1,
            Timeout = TimeSpan.Zero,
            TrustAnchorFiles = ["ca.pem"],
        }.Validate();

        Assert.Equal(8, problems.Count);
        Assert.Empty(new TlsCheckOptions { Targets = [new TlsTarget("elevenlabs", "sip.rtc.elevenlabs.io", 5061)] }.Validate());
    }
}
