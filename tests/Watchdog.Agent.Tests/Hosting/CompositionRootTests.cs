using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Hosting;
using Watchdog.Agent.Security;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Tests.Hosting;

public class CompositionRootTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void A_configuration_with_mistakes_is_refused_with_every_problem_named()
    {
        var config = Config(new() { ["Ami:Port"] = "70000", ["Ami:Secret"] = "", ["State:ResyncInterval"] = "-00:00:01" });

        var e = Assert.Throws<AgentConfigurationException>(() => new ServiceCollection().AddWatchdogAgent(config));

        Assert.Contains(e.Problems, p => p.Contains("Port", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("Secret", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("State.ResyncInterval", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_valid_configuration_is_bound_once_into_the_whole_agent()
    {
        var config = Config(new() { ["Ami:Secret"] = "s3cret", ["Ami:Port"] = "5039", ["Security:Bans:MaxRetry"] = "7" });

        await using var provider = new ServiceCollection().AddLogging().AddWatchdogAgent(config).BuildServiceProvider();

        var settings = provider.GetRequiredService<AgentSettings>();
        Assert.Equal(5039, settings.Ami.Port);
        Assert.Same(settings.Security, provider.GetRequiredService<SecuritySettings>());
        Assert.Equal(7, provider.GetRequiredService<BanManager>().Options.MaxRetry);
        Assert.NotNull(provider.GetRequiredService<PbxStateStore>());
    }
}
