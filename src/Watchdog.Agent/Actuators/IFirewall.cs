using System.Net;

namespace Watchdog.Agent.Actuators;

/// <summary>Blocks and unblocks source addresses. The real one is <see cref="UfwFirewall"/>.</summary>
public interface IFirewall
{
    /// <summary>Denies all traffic from <paramref name="address"/>. Idempotent: blocking a blocked address succeeds.</summary>
    /// <param name="address">Any address; it is canonicalised before it reaches a command line.</param>
    /// <param name="comment">Free text for the rule; sanitised before use.</param>
    /// <param name="cancellationToken">Stops waiting (the command is killed).</param>
    Task<FirewallOutcome> BlockAsync(IPAddress address, string comment, CancellationToken cancellationToken);

    /// <summary>Removes the deny rule for <paramref name="address"/>. Idempotent.</summary>
    Task<FirewallOutcome> UnblockAsync(IPAddress address, CancellationToken cancellationToken);
}

/// <summary>What a firewall call did.</summary>
public enum FirewallOutcome
{
    /// <summary>The command ran and succeeded.</summary>
    Success,
    /// <summary>Dry-run: logged and counted, nothing executed.</summary>
    DryRun,
    /// <summary>The command failed, timed out or could not start.</summary>
    Failed,
}
