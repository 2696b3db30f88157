using System.Net;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Actuators;

/// <summary>
/// <see cref="IFirewall"/> over ufw: <c>ufw prepend deny from IP to any comment TEXT</c> and
/// <c>ufw delete deny from IP to any</c>. <c>prepend</c> (not <c>insert 1</c>) because ufw refuses to insert an
/// IPv6 rule at position 1 when IPv4 rules come first. ufw itself skips a rule that already exists, so blocking
/// twice is harmless — the ban manager relies on that when it re-applies bans at start.
/// </summary>
public sealed class UfwFirewall(
    UfwOptions options,
    ActuatorOptions actuator,
    IProcessRunner runner,
    ILogger<UfwFirewall> logger) : IFirewall
{
    /// <inheritdoc />
    public Task<FirewallOutcome> BlockAsync(IPAddress address, string comment, CancellationToken cancellationToken)
    {
        var ip = Canonical(address);
        var text = FirewallComment.Sanitize($"{options.CommentPrefix} {comment}");
        return RunAsync("block", ip, ["prepend", "deny", "from", ip, "to", "any", "comment", text], cancellationToken);
    }

    /// <inheritdoc />
    public Task<FirewallOutcome> UnblockAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var ip = Canonical(address);
        return RunAsync("unblock", ip, ["delete", "deny", "from", ip, "to", "any"], cancellationToken);
    }

    /// <summary>
    /// The address as ufw must see it: re-parsed from its canonical text (so only a real address can reach
    /// argv), IPv4-mapped IPv6 turned into IPv4, scope ids refused.
    /// </summary>
    public static string Canonical(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            throw new ArgumentException("Scoped IPv6 addresses cannot be firewall rules.", nameof(address));
        }

        var text = address.ToString();
        if (!IPAddress.TryParse(text, out var reparsed) || reparsed.ToString() != text)
        {
            throw new ArgumentException($"'{text}' is not a canonical IP address.", nameof(address));
        }

        return text;
    }

    private async Task<FirewallOutcome> RunAsync(string action, string ip, string[] arguments, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(options.ExecutablePath, arguments, actuator.CommandTimeout);
        if (actuator.DryRun)
        {
            LogMessages.FirewallDryRun(logger, action, ip, spec.Display);
            return FirewallOutcome.DryRun;
        }

        var result = await runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return FirewallOutcome.Success;
        }

        // Deleting a rule that is not there is what we wanted anyway.
        if (action == "unblock" && result.Outcome == ProcessOutcome.Exited &&
            (result.StandardOutput.Contains("Could not delete non-existent rule", StringComparison.Ordinal) ||
             result.StandardError.Contains("Could not delete non-existent rule", StringComparison.Ordinal)))
        {
            return FirewallOutcome.Success;
        }

        LogMessages.FirewallCommandFailed(logger, action, ip, result.Outcome, result.ExitCode);
        return FirewallOutcome.Failed;
    }
}
