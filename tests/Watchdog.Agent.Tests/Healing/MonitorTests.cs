using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Tests.Healing;

public class MonitorTests
{
    private static RtpTimeoutMonitor Rtp(HealingRig rig) =>
        new(rig.Options, rig.Budget, rig.Runner, rig.HealingMetrics, rig.Alerts, rig.Time, NullLogger<RtpTimeoutMonitor>.Instance);

    [Fact(Timeout = 30_000)]
    public async Task Rtp_timeout_seen_in_the_log_and_as_a_hangup_counts_once()
    {
        var rig = new HealingRig();
        var monitor = Rtp(rig);

        await monitor.OnLoggedAsync("PJSIP/mango-trunk-00000000", "mango-trunk", default);
        await monitor.OnHangupAsync("PJSIP/mango-trunk-00000000", "mango-trunk", 44, wasUp: true, default);

        Assert.Equal(1, monitor.InWindow("mango-trunk"));
        Assert.Contains("asterisk_rtp_timeouts_total{endpoint=\"mango-trunk\"} 1", await rig.ScrapeAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Cause_44_on_an_unanswered_channel_is_not_an_rtp_timeout()
    {
        var rig = new HealingRig();
        var monitor = Rtp(rig);

        await monitor.OnHangupAsync("PJSIP/elevenlabs-trunk-00000001", "elevenlabs-trunk", 44, wasUp: false, default);
        await monitor.OnHangupAsync("PJSIP/elevenlabs-trunk-00000002", "elevenlabs-trunk", 16, wasUp: true, default);

        Assert.Equal(0, monitor.InWindow("elevenlabs-trunk"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Rtp_timeout_spike_alerts_and_reloads_res_pjsip_once()
    {
        var rig = new HealingRig(new HealingOptions { RtpTimeoutThreshold = 3 });
        var monitor = Rtp(rig);

        for (var i = 0; i < 6; i++)
        {
            await monitor.OnLoggedAsync($"PJSIP/mango-trunk-0000000{i}", "mango-trunk", default);
            rig.Time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(["reload_pjsip"], rig.Asterisk.Calls);
        Assert.Single(rig.Alerts.Published, a => a.Kind == AlertKind.RtpTimeoutSpike);
        Assert.Contains("reason=\"rtp_timeouts\"", await rig.ScrapeAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Hung_asterisk_is_restarted_once_per_outage_when_its_service_is_up()
    {
        var rig = new HealingRig();
        var monitor = new HungAsteriskMonitor(rig.Options, rig.Pbx, rig.Service, rig.Budget, rig.Runner, rig.Alerts, rig.Time, NullLogger<HungAsteriskMonitor>.Instance);
        rig.Pbx.Current = new PbxHealthView(false, rig.Time.GetUtcNow(), [], 0, "PingTimeout", AmiEverLoggedIn: true);

        rig.Time.Advance(TimeSpan.FromSeconds(119));
        await monitor.TickAsync(default);
        Assert.Equal(0, rig.Service.Restarts);
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        await monitor.TickAsync(default);
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        await monitor.TickAsync(default);

        Assert.Equal(1, rig.Service.Restarts);
        Assert.Contains(AlertKind.AmiDown, rig.Alerts.Kinds);
        rig.Pbx.Current = rig.Pbx.Current with { AmiLoggedIn = true, AmiUnusableSince = null };
        await monitor.TickAsync(default);
        Assert.Equal(AlertKind.AmiUp, rig.Alerts.Published.Last().Kind);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("AuthenticationFailed", true)]
    [InlineData("ProtocolError", true)]
    [InlineData("ConnectFailed", false)]
    public async Task A_refused_login_or_an_agent_that_never_connected_never_restarts_asterisk(string reason, bool everLoggedIn)
    {
        var rig = new HealingRig();
        var monitor = new HungAsteriskMonitor(rig.Options, rig.Pbx, rig.Service, rig.Budget, rig.Runner, rig.Alerts, rig.Time, NullLogger<HungAsteriskMonitor>.Instance);
        rig.Pbx.Current = new PbxHealthView(false, rig.Time.GetUtcNow(), [], 0, reason, everLoggedIn);

        rig.Time.Advance(TimeSpan.FromMinutes(10));
        await monitor.TickAsync(default);

        Assert.Equal(0, rig.Service.Restarts);
        Assert.Contains(AlertKind.AmiDown, rig.Alerts.Kinds);
    }

    [Fact(Timeout = 30_000)]
    public async Task Stopped_asterisk_is_left_to_systemd_and_only_alerted()
    {
        var rig = new HealingRig();
        rig.Service.Active = false;
        var monitor = new HungAsteriskMonitor(rig.Options, rig.Pbx, rig.Service, rig.Budget, rig.Runner, rig.Alerts, rig.Time, NullLogger<HungAsteriskMonitor>.Instance);
        rig.Pbx.Current = new PbxHealthView(false, rig.Time.GetUtcNow(), [], 0);

        rig.Time.Advance(TimeSpan.FromMinutes(5));
        await monitor.TickAsync(default);

        Assert.Equal(0, rig.Service.Restarts);
        Assert.Contains(AlertKind.AmiDown, rig.Alerts.Kinds);
    }

    [Fact(Timeout = 30_000)]
    public async Task Scheduled_restart_waits_for_zero_channels()
    {
        var rig = new HealingRig(new HealingOptions { TickInterval = TimeSpan.FromSeconds(5) });
        var restarter = new GracefulRestarter(rig.Options, rig.Pbx, rig.Runner, rig.Time, NullLogger<GracefulRestarter>.Instance);
        rig.Pbx.Current = new PbxHealthView(true, null, [], 3);

        var restart = restarter.RestartAsync(HealingLabels.Scheduled, default);
        rig.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(restart.IsCompleted);
        rig.Pbx.Current = rig.Pbx.Current with { ActiveChannels = 0 };
        rig.Time.Advance(TimeSpan.FromSeconds(5));
        var outcome = await restart.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ActionOutcome.Success, outcome);
        Assert.Equal(1, rig.Service.Restarts);
        Assert.Contains("reason=\"scheduled\"", await rig.ScrapeAsync());
    }
}
