using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Healing;

/// <summary>Restarts Asterisk once no channel is up, or when the deadline passes with calls still up.</summary>
public sealed class GracefulRestarter(
    HealingOptions options, IPbxHealthSource pbx, RemediationRunner runner, TimeProvider time, ILogger<GracefulRestarter> logger,
    IActuatorGate? gate = null)
{
    /// <summary>Waits for zero channels (polling every tick) up to the deadline, then restarts.</summary>
    public async Task<ActionOutcome> RestartAsync(string reason, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + options.RestartCallsDeadline;
        var logged = false;
        while (pbx.Current.ActiveChannels > 0 && time.GetUtcNow() < deadline)
        {
            if (!logged)
            {
                LogMessages.RestartWaitsForCalls(logger, pbx.Current.ActiveChannels, deadline);
                logged = true;
            }
            await Task.Delay(options.TickInterval, time, ct).ConfigureAwait(false);
        }
        if (gate?.Paused == true)
        {
            return ActionOutcome.DryRun; // maintenance: the scheduled restart is skipped, not postponed
        }
        return await runner.RunAsync(HealingLabels.RestartAsterisk, reason, "asterisk", ct).ConfigureAwait(false);
    }
}
