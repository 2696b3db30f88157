using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;

namespace Watchdog.Demo;

/// <summary>The demo's alert channel: notifications printed to the console.</summary>
internal sealed class ConsoleNotifier(TextWriter console) : INotifier
{
    public string Name => "console";

    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        console.WriteLine($"alert: {notification.Title}");
        foreach (var line in notification.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            console.WriteLine($"       {line}");
        return Task.CompletedTask;
    }
}

/// <summary>A firewall that prints what ufw would have been told.</summary>
internal sealed class StandInFirewall(TextWriter console) : IFirewall
{
    public List<string> Blocked { get; } = [];

    public Task<FirewallOutcome> BlockAsync(System.Net.IPAddress address, string comment, CancellationToken cancellationToken)
    {
        Blocked.Add(address.ToString());
        console.WriteLine($"action: firewall (stand-in): ufw prepend deny from {address} to any comment '{comment}'");
        return Task.FromResult(FirewallOutcome.Success);
    }

    public Task<FirewallOutcome> UnblockAsync(System.Net.IPAddress address, CancellationToken cancellationToken)
    {
        console.WriteLine($"action: firewall (stand-in): ufw delete deny from {address} to any");
        return Task.FromResult(FirewallOutcome.Success);
    }
}

/// <summary>A service manager whose restarts are dry runs.</summary>
internal sealed class StandInServiceManager(TextWriter console) : IServiceManager
{
    public bool Active { get; set; } = true;

    public Task<bool> IsActiveAsync(CancellationToken ct) => Task.FromResult(Active);

    public Task<ActionOutcome> RestartAsync(CancellationToken ct)
    {
        console.WriteLine("action: dry run: would run systemctl restart asterisk.service");
        return Task.FromResult(ActionOutcome.DryRun);
    }
}
