using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using Quartz;
using Watchdog.Agent.Metrics;
using Watchdog.Agent.State;
using Watchdog.Ami;

namespace Watchdog.Agent.Tests.State;

public class StateRegistrationTests
{
    [Fact(Timeout = 30_000)]
    public async Task AddWatchdogState_AddWatchdogMetrics_and_AddPbxResync_wire_the_tracker_metrics_and_a_repeating_resync_trigger()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["State:ResyncInterval"] = "00:00:42" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new AmiClient(new AmiClientOptions { Host = "127.0.0.1", Port = 5038, Username = "watchdog", Secret = "s" }));
        services.AddWatchdogState(config.GetSection("State").Get<StateOptions>());
        services.AddWatchdogMetrics();
        services.AddQuartz(q => q.AddPbxResync());
        await using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<PbxStateTracker>());
        Assert.NotNull(provider.GetRequiredService<PbxMetrics>());
        Assert.NotSame(Prometheus.Metrics.DefaultRegistry, provider.GetRequiredService<CollectorRegistry>());

        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(new TriggerKey("pbx-resync-trigger", "state")));
        Assert.Equal(TimeSpan.FromSeconds(42), trigger.RepeatInterval);
        Assert.Equal(PbxResyncJob.Key, trigger.JobKey);
        Assert.True((await scheduler.GetJobDetail(PbxResyncJob.Key))!.ConcurrentExecutionDisallowed);
        await scheduler.Shutdown();
    }
}
