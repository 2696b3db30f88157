using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Log = Watchdog.Agent.LogMessages;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Diagnosis;

namespace Watchdog.Agent.Probes;

/// <summary>
/// Runs the configured periodic checks — SIP DNS, TLS certificates, Asterisk process health — each on its own
/// <see cref="PeriodicTimer"/> over <see cref="TimeProvider"/>, publishing metrics (inside the checks) and alerts.
/// A check that is not configured does not run.
/// </summary>
public sealed class PeriodicDiagnosisService(
    DiagnosisSettings settings,
    DiagnosisAlerts alerts,
    TimeProvider time,
    ILogger<PeriodicDiagnosisService> logger,
    SipDnsCheck? dns = null,
    TlsCertificateCheck? tls = null,
    ProcessHealthProbe? process = null) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        if (dns is not null)
        {
            loops.Add(LoopAsync("dns", settings.DnsInterval, async ct => alerts.OnDns(await dns.RunAsync(ct).ConfigureAwait(false)), stoppingToken));
        }
        if (tls is not null && settings.Tls is { } tlsOptions)
        {
            loops.Add(LoopAsync("tls", settings.TlsInterval,
                async ct => alerts.OnTls(await tls.RunAsync(ct).ConfigureAwait(false), tlsOptions.Targets), stoppingToken));
        }
        if (process is not null)
        {
            loops.Add(LoopAsync("process", settings.ProcessInterval, async ct => alerts.OnProcess(await process.ProbeAsync(ct).ConfigureAwait(false)), stoppingToken));
        }
        return Task.WhenAll(loops);
    }

    private async Task LoopAsync(string name, TimeSpan interval, Func<CancellationToken, Task> check, CancellationToken ct)
    {
        Log.DiagnosisCheckScheduled(logger, name, interval);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                await check(ct).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
