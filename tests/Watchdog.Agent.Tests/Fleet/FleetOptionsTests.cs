using Watchdog.Agent.Detection;
using Watchdog.Agent.Fleet;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Tests.Fleet;

public sealed class FleetOptionsTests
{
    [Fact]
    public void Enabled_fleet_without_password_key_or_valid_name_lists_every_problem()
    {
        var problems = new FleetOptions { Enabled = true, BrokerUrl = "http://x", KeyFile = "/nonexistent/fleet.key", AgentName = "local" }.Validate();
        Assert.Contains(problems, p => p.StartsWith("Fleet:BrokerUrl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Fleet:PasswordFile", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Fleet:KeyFile '/nonexistent/fleet.key' does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Fleet:AgentName", StringComparison.Ordinal));
        Assert.Empty(new FleetOptions { Enabled = false, BrokerUrl = "nonsense" }.Validate());
    }

    [Fact]
    public void A_short_key_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("watchdog-fleet-key-");
        try
        {
            var key = Path.Combine(dir.FullName, "fleet.key");
            File.WriteAllText(key, "short\n");
            var problems = new FleetOptions { Enabled = true, Password = "p", KeyFile = key, AgentName = "pbx-1" }.Validate();
            Assert.Equal([$"Fleet:KeyFile '{key}' holds fewer than 32 bytes."], problems);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_signature_covers_every_field()
    {
        var signer = new FleetSigner(new byte[32]);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        var decision = FleetDecision.Create(FleetDecision.Ban, new BanEntry("203.0.113.5", AttackSource.Sip, "sip_bruteforce", now, now.AddHours(1), 1),
            "sip_bruteforce", "pbx-1", now);
        Assert.True(signer.Verify(decision, signer.Sign(decision)));
        foreach (var changed in new[]
        {
            decision with { Address = "203.0.113.6" }, decision with { Action = FleetDecision.Unban }, decision with { Until = now.AddDays(7) },
            decision with { Origin = "pbx-2" }, decision with { IssuedAt = now.AddSeconds(1) }, decision with { Id = new string('0', 32) },
        })
        {
            Assert.False(signer.Verify(changed, signer.Sign(decision)));
        }

        var fields = decision.ToFields(signer.Sign(decision)).ToDictionary(f => f.Key, f => f.Value);
        var parsed = FleetDecision.TryParse(fields, out var sig);
        Assert.Equal(decision, parsed);
        Assert.True(signer.Verify(parsed!, sig));
        var otherKey = new byte[32];
        otherKey[0] = 1;
        Assert.False(new FleetSigner(otherKey).Verify(parsed!, sig));
    }
}
