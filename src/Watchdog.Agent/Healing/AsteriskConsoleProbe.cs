using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Healing;

/// <summary>
/// The second opinion on a hang: <c>asterisk -rx "core show uptime"</c> over the control socket, with its own
/// short timeout (<see cref="HealingOptions.ConsoleProbeTimeout"/>). Read-only; run through
/// <see cref="IProcessRunner"/> with an argument vector.
/// </summary>
public sealed class AsteriskConsoleProbe(HealingOptions options, IProcessRunner runner)
{
    /// <summary>True when the console answered, false when it timed out or failed, null when there is no asterisk binary to ask.</summary>
    public async Task<bool?> AnswersAsync(CancellationToken ct)
    {
        if (options.AsteriskPath is not { Length: > 0 } path || !File.Exists(path))
        {
            return null;
        }
        var result = await runner.RunAsync(new ProcessSpec(path, ["-rx", "core show uptime"], options.ConsoleProbeTimeout), ct).ConfigureAwait(false);
        return result.Succeeded;
    }
}
