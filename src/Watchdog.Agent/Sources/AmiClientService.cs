using Microsoft.Extensions.Hosting;
using Watchdog.Ami;

namespace Watchdog.Agent.Sources;

/// <summary>Keeps the AMI session up for the life of the host.</summary>
internal sealed class AmiClientService(AmiClient client) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => client.RunAsync(stoppingToken);
}
