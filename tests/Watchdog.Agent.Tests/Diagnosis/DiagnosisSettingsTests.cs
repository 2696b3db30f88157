using Microsoft.Extensions.Logging.Testing;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Tests.Healing;
using Watchdog.Agent;
using Watchdog.Configuration;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class DiagnosisSettingsTests
{
    private static AgentSettings Bind(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var settings = AgentSettings.Bind(config, out var problems);
        Assert.Empty(problems);
        return settings;
    }

    [Fact]
    public void Diagnosis_section_binds_providers_checks_and_evidence_bounds()
    {
        var settings = Bind("""
            { "Diagnosis": {
                "Doctor": { "ConfigDirectory": "/srv/asterisk", "ManagerUser": "wd" },
                "Tls": { "Targets": [ { "Name": "elevenlabs", "Host": "sip.rtc.elevenlabs.io", "Port": 5061 } ], "WarningDays": 14 },
                "TlsInterval": "06:00:00",
                "Trunks": { "Providers": [ { "Endpoint": "mango-trunk", "Ranges": [ "81.88.86.0/24" ] } ] },
                "Evidence": { "Duration": "00:00:20", "MaxLines": 30 } } }
            """);

        var d = settings.Diagnosis;
        Assert.Equal("/srv/asterisk", d.Doctor.ConfigDirectory);
        Assert.True(d.TlsEnabled);
        Assert.False(d.DnsEnabled);
        Assert.Null(d.Process);
        Assert.Equal(TimeSpan.FromHours(6), d.TlsInterval);
        Assert.Equal(new TlsTarget("elevenlabs", "sip.rtc.elevenlabs.io", 5061), Assert.Single(d.Tls!.Targets));
        var provider = Assert.Single(d.Trunks.Providers);
        Assert.Equal("mango-trunk", provider.Endpoint);
        Assert.Equal(["81.88.86.0/24"], provider.Ranges);
        Assert.Equal(TimeSpan.FromSeconds(20), d.Evidence.Duration);
        Assert.Equal(30, d.Evidence.MaxLines);
        Assert.Empty(d.Validate());
    }

    [Fact]
    public void Absent_section_means_defaults_with_every_periodic_check_off()
    {
        var d = Bind("{}").Diagnosis;

        Assert.False(d.DnsEnabled);
        Assert.False(d.TlsEnabled);
        Assert.Null(d.Process);
        Assert.Equal("/etc/asterisk", d.Doctor.ConfigDirectory);
        Assert.Empty(d.Validate());
    }

    [Fact]
    public void Every_bad_value_is_reported_under_its_key()
    {
        var problems = new DiagnosisSettings
        {
            Doctor = new DoctorOptions { ConfigDirectory = "etc" },
            ProcessInterval = TimeSpan.Zero,
            Trunks = new TrunkDiagnosisOptions { Providers = [new ProviderRanges("mango-trunk", ["81.88.86.0/33"])] },
            Evidence = new EvidenceOptions { Duration = TimeSpan.FromMinutes(10), MaxChars = 10 },
        }.Validate();

        Assert.Contains(problems, p => p.StartsWith("Diagnosis.Doctor.ConfigDirectory", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Diagnosis.ProcessInterval", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("81.88.86.0/33", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Diagnosis.Evidence.Duration", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Diagnosis.Evidence.MaxChars", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task Periodic_service_probes_on_its_interval_and_alerts_when_descriptors_near_the_limit()
    {
        using var proc = new FakeProcTree();
        proc.Write(7, rssKb: 1000, utime: 1, stime: 1, threads: 1, fds: 10, maxOpenFiles: "100");
        var time = new FakeTimeProvider();
        var alerts = new RecordingAlerts();
        var metrics = new MetricsText();
        var probed = 0;
        var firstProbe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new ProcessHealthProbe(new ProcessHealthOptions { ProcRoot = proc.Root }, new ProcessHealthMetrics(metrics.Factory), time,
            new FakeLogger<ProcessHealthProbe>(), _ =>
            {
                if (Interlocked.Increment(ref probed) == 1)
                {
                    firstProbe.TrySetResult();
                }
                else
                {
                    proc.Write(7, rssKb: 1000, utime: 1, stime: 1, threads: 1, fds: 95, maxOpenFiles: "100");
                }
                return Task.FromResult<int?>(7);
            });
        var settings = new DiagnosisSettings { ProcessInterval = TimeSpan.FromSeconds(30) };
        using var service = new PeriodicDiagnosisService(settings, new DiagnosisAlerts(alerts, time), time, new FakeLogger<PeriodicDiagnosisService>(), process: probe);

        await service.StartAsync(CancellationToken.None);
        await firstProbe.Task.WaitAsync(TimeSpan.FromSeconds(5)); // the timer exists before the first probe runs
        Assert.Empty(alerts.Published);
        time.Advance(TimeSpan.FromSeconds(30));
        var alert = await alerts.First.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(AlertKind.AsteriskFdsNearLimit, alert.Kind);
        Assert.Equal(2, Volatile.Read(ref probed));
        Assert.Single(alerts.Published);
    }
}
