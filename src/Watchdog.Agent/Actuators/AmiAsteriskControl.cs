using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Ami;

namespace Watchdog.Agent.Actuators;

/// <summary>
/// <see cref="IAsteriskControl"/> over the AMI client. Honours the shared dry-run switch; every call is
/// logged with its outcome (and Asterisk's message when it refused).
/// </summary>
public sealed class AmiAsteriskControl(AmiClient client, ActuatorOptions actuators, ILogger<AmiAsteriskControl> logger) : IAsteriskControl
{
    public Task<ActionOutcome> ReregisterAsync(string registration, CancellationToken ct) =>
        RunAsync(AmiActions.PJSIPRegister(registration), ct);

    public Task<ActionOutcome> ReloadPjsipAsync(CancellationToken ct) =>
        RunAsync(AmiActions.ModuleReload("res_pjsip.so"), ct);

    public Task<ActionOutcome> RestartWhenConvenientAsync(CancellationToken ct) =>
        RunAsync(AmiActions.Command("core restart when convenient"), ct);

    private async Task<ActionOutcome> RunAsync(AmiAction action, CancellationToken ct)
    {
        if (actuators.DryRun)
        {
            LogMessages.AmiActionDryRun(logger, action.Name, action.ToString().ReplaceLineEndings(" ").Trim());
            return ActionOutcome.DryRun;
        }
        try
        {
            var response = await client.SendAsync(action, ct, actuators.CommandTimeout).ConfigureAwait(false);
            LogMessages.AmiActionDone(logger, action.Name, response.Status.ToString(), response.Text);
            return response.IsSuccess ? ActionOutcome.Success : ActionOutcome.Failed;
        }
        catch (AmiException e)
        {
            LogMessages.AmiActionFailed(logger, action.Name, e.Message);
            return ActionOutcome.Failed;
        }
    }
}
