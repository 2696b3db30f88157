using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Tests.Healing;

public class ServiceAndMaintenanceTests
{
    private static AsteriskServiceMonitor Monitor(HealingRig rig) =>
        new(rig.Options, rig.Pbx, rig.Service, rig.Budget, rig.Runner, rig.Alerts, rig.Time, NullLogger<AsteriskServiceMonitor>.Instance, rig.Maintenance);

    /// <summary>AMI just went down (for <paramref name="why"/>) and systemd reports the unit in <paramref name="state"/>.</summary>
    private static HealingRig AmiDownWithUnit(string state, string why)
    {
        var rig = new HealingRig();
        rig.Service.Active = false;
        rig.Service.State = state;
        rig.Pbx.Current = new PbxHealthView(false, rig.Time.GetUtcNow(), [], 0, why);
        return rig;
    }

    [Fact(Timeout = 30_000)]
    public async Task Failed_unit_is_reset_and_started_once_per_outage_within_the_budget_and_alerted()
    {
        var rig = AmiDownWithUnit("failed", "ConnectFailed");
        var monitor = Monitor(rig);

        rig.Time.Advance(TimeSpan.FromSeconds(15));
        await monitor.TickAsync(default);
        rig.Time.Advance(TimeSpan.FromSeconds(5));
        await monitor.TickAsync(default);

        Assert.Equal(1, rig.Service.Starts);
        var down = Assert.Single(rig.Alerts.Published, a => a.Kind == AlertKind.AsteriskDown);
        Assert.Equal("failed", down.Details["state"]);
        Assert.Contains("watchdog_remediations_total{action=\"start_asterisk\",reason=\"service_failed\",outcome=\"sent\"} 1", await rig.ScrapeAsync());

        rig.Pbx.Current = new PbxHealthView(true, null, [], 0);
        await monitor.TickAsync(default);
        Assert.Equal(AlertKind.AsteriskUp, rig.Alerts.Published.Last().Kind);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_unchanged_unit_state_is_read_less_and_less_often_and_a_change_is_still_seen()
    {
        var rig = AmiDownWithUnit("inactive", "ServerShutdown");
        var monitor = Monitor(rig);
        rig.Time.Advance(rig.Options.ServiceCheckAfter);

        // Ten minutes of healing ticks: one systemctl per tick would be 120.
        for (var t = TimeSpan.Zero; t < TimeSpan.FromMinutes(10); t += rig.Options.TickInterval)
        {
            await monitor.TickAsync(default);
            rig.Time.Advance(rig.Options.TickInterval);
        }
        // 5 s doubling to the longest wait (5 min): at 0, 5, 15, 35, 75, 155 and 315 s.
        Assert.InRange(rig.Service.StateReads, 5, 9);

        // It crashes for good: seen within the longest wait, and started.
        rig.Service.State = "failed";
        for (var t = TimeSpan.Zero; t <= AsteriskServiceMonitor.MaxLookInterval; t += rig.Options.TickInterval)
        {
            await monitor.TickAsync(default);
            rig.Time.Advance(rig.Options.TickInterval);
        }
        Assert.Equal("failed", monitor.LastState);
        Assert.Equal(1, rig.Service.Starts);
    }

    [Fact(Timeout = 30_000)]
    public async Task Inactive_unit_someone_stopped_is_only_alerted()
    {
        var rig = AmiDownWithUnit("inactive", "ServerShutdown");

        rig.Time.Advance(TimeSpan.FromMinutes(5));
        await Monitor(rig).TickAsync(default);

        Assert.Equal(0, rig.Service.Starts);
        Assert.Equal(0, rig.Service.Restarts);
        Assert.Equal("inactive", Assert.Single(rig.Alerts.Published, a => a.Kind == AlertKind.AsteriskDown).Details["state"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Maintenance_pauses_every_actuator_says_so_once_and_ends_at_its_deadline()
    {
        var rig = new HealingRig();
        var announcer = new MaintenanceAlerts(rig.Maintenance, rig.Alerts, rig.Time, Prometheus.Metrics.WithCustomRegistry(rig.Registry));
        rig.Maintenance.On(TimeSpan.FromHours(2), "provider work");
        announcer.Check();
        rig.Pbx.Registration("Rejected", rig.Time.GetUtcNow());
        rig.Service.Active = false;
        rig.Service.State = "failed";

        await rig.After(TimeSpan.FromMinutes(5));                       // the registration healer, paused
        rig.Pbx.Current = rig.Pbx.Current with { AmiLoggedIn = false, AmiUnusableSince = rig.Time.GetUtcNow() - TimeSpan.FromMinutes(5) };
        await Monitor(rig).TickAsync(default);                          // the service monitor, paused
        announcer.Check();

        Assert.Empty(rig.Asterisk.Calls);
        Assert.Equal(0, rig.Service.Starts);
        Assert.Single(rig.Alerts.Published, a => a.Kind == AlertKind.MaintenanceOn);
        Assert.Contains("watchdog_maintenance 1", await rig.ScrapeAsync());
        Assert.Contains(AlertKind.RegistrationLost, rig.Alerts.Kinds); // observing and alerting go on

        rig.Time.Advance(TimeSpan.FromHours(2));
        announcer.Check();
        Assert.False(rig.Maintenance.Current.Active);
        Assert.Equal(AlertKind.MaintenanceOff, rig.Alerts.Published.Last().Kind);
        Assert.Contains("watchdog_maintenance 0", await rig.ScrapeAsync());
        rig.Pbx.Current = rig.Pbx.Current with { AmiLoggedIn = true, AmiUnusableSince = null };
        await rig.After(TimeSpan.FromSeconds(5));
        Assert.Equal(["reregister mango-registration"], rig.Asterisk.Calls);
    }
}
