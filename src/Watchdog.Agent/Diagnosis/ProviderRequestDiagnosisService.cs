using Microsoft.Extensions.Hosting;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Diagnosis;

/// <summary>
/// Diagnoses the provider requests the ban path set aside (<see cref="ProviderTrafficFilter"/>): each becomes an
/// <see cref="UnmatchedRequest"/> for <see cref="TrunkDiagnoser"/>, which alerts with the <c>match=</c> line to add.
/// Runs on its own task, so the AMI observer that saw the security event never waits for pjsip.conf or an alert.
/// Without a queue (security off) it has nothing to do.
/// </summary>
public sealed class ProviderRequestDiagnosisService(ProviderRequestQueue? queue, TrunkDiagnoser diagnoser) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (queue is null)
        {
            return;
        }

        try
        {
            await foreach (var request in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                // The security event carries no SIP method; the log line, when it is read too, does.
                await diagnoser.OnUnmatchedAsync(new UnmatchedRequest("", request.Address, null), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
