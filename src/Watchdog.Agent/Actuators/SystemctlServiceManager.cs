using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Actuators;

/// <summary>Where systemctl is and which unit is Asterisk's.</summary>
public sealed record ServiceManagerOptions
{
    /// <summary>Path of systemctl (a stand-in in tests).</summary>
    public string SystemctlPath { get; init; } = "/usr/bin/systemctl";

    /// <summary>Asterisk's unit.</summary>
    public string Unit { get; init; } = "asterisk.service";

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
}
