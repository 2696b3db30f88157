using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Actuators;

/// <summary>Where systemctl is and which unit is Asterisk's.</summary>
public sealed record ServiceManagerOptions
{
    /// <summary>Path of systemctl (a stand-in in tests).</summary>
    public string SystemctlPath { get; set; } = "/usr/bin/systemctl";

    /// <summary>Asterisk's unit.</summary>
    public string Unit { get; set; } = "asterisk.service";

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Path.IsPathRooted(SystemctlPath)) problems.Add($"Healing.Service.SystemctlPath must be an absolute path (was '{SystemctlPath}').");
        if (string.IsNullOrWhiteSpace(Unit) || Unit.StartsWith('-') || Unit.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            problems.Add($"Healing.Service.Unit '{Unit}' is not a unit name.");
        return problems;
    }
}

/// <summary>
/// <see cref="IServiceManager"/> through systemctl, run with an argument vector (never a shell), a
/// timeout, and its output logged by the runner. Honours the shared dry-run switch for restarts.
/// </summary>
public sealed class SystemctlServiceManager(
    ServiceManagerOptions options, ActuatorOptions actuators, IProcessRunner runner, ILogger<SystemctlServiceManager> logger) : IServiceManager
{
    public async Task<bool> IsActiveAsync(CancellationToken ct)
    {
        var result = await runner.RunAsync(new ProcessSpec(options.SystemctlPath, ["is-active", "--quiet", options.Unit], actuators.CommandTimeout), ct)
            .ConfigureAwait(false);
        return result.Succeeded;
    }

    public async Task<ActionOutcome> RestartAsync(CancellationToken ct)
    {
        var spec = new ProcessSpec(options.SystemctlPath, ["restart", options.Unit], actuators.CommandTimeout);
        if (actuators.DryRun)
        {
            LogMessages.ServiceDryRun(logger, spec.Display);
            return ActionOutcome.DryRun;
        }
        var result = await runner.RunAsync(spec, ct).ConfigureAwait(false);
        return result.Succeeded ? ActionOutcome.Success : ActionOutcome.Failed;
    }

    public async Task<string> StateAsync(CancellationToken ct)
    {
        // is-active exits non-zero for every state but active; the state word on stdout is what matters.
        var result = await runner.RunAsync(new ProcessSpec(options.SystemctlPath, ["is-active", options.Unit], actuators.CommandTimeout), ct)
            .ConfigureAwait(false);
        var word = result.StandardOutput.Trim();
        return word.Length is > 0 and < 32 && word.All(char.IsAsciiLetterLower) ? word : "unknown";
    }

    public async Task<ActionOutcome> ResetFailedAndStartAsync(CancellationToken ct)
    {
        var reset = new ProcessSpec(options.SystemctlPath, ["reset-failed", options.Unit], actuators.CommandTimeout);
        var start = new ProcessSpec(options.SystemctlPath, ["start", options.Unit], actuators.CommandTimeout);
        if (actuators.DryRun)
        {
            LogMessages.ServiceDryRun(logger, reset.Display);
            LogMessages.ServiceDryRun(logger, start.Display);
            return ActionOutcome.DryRun;
        }
        await runner.RunAsync(reset, ct).ConfigureAwait(false); // a unit that is not failed makes it complain; start decides
        var result = await runner.RunAsync(start, ct).ConfigureAwait(false);
        return result.Succeeded ? ActionOutcome.Success : ActionOutcome.Failed;
    }
}
