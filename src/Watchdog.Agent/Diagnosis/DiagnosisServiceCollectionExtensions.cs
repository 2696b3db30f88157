using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Prometheus;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.State;
using Watchdog.Ami;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Probes;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Diagnosis;

/// <summary>Registers the agent's diagnosis: periodic DNS/TLS/process checks, trunk diagnoses from the log, SIP evidence.</summary>
public static class DiagnosisServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <paramref name="settings"/> switches on. Needs from the host: <see cref="IAlertPublisher"/>,
    /// <see cref="IProcessRunner"/>, <see cref="IMetricFactory"/>, <see cref="TimeProvider"/>, <see cref="PbxStateStore"/>
    /// and <see cref="AmiClient"/>. <paramref name="asteriskLogPath"/> (Asterisk's messages log) enables the trunk
    /// diagnoses and the SIP evidence; without it they stay off.
    /// </summary>
    public static IServiceCollection AddWatchdogDiagnosis(this IServiceCollection services, DiagnosisSettings settings, string? asteriskLogPath)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.TryAddSingleton<IHostAddressProvider, NetworkInterfaceAddressProvider>();
        services.AddSingleton(sp => new DoctorAudit(settings.Doctor, sp.GetRequiredService<IProcessRunner>(),
            sp.GetRequiredService<IHostAddressProvider>(), sp.GetRequiredService<ILogger<DoctorAudit>>(), settings.Trunks.Providers));
        services.AddSingleton<DiagnosisAlerts>();

        var periodic = false;
        if (settings.DnsEnabled && settings.Dns is { } dns)
        {
            services.AddSingleton(sp => new SipDnsCheck(dns, new SipDnsMetrics(sp.GetRequiredService<IMetricFactory>()), sp.GetRequiredService<ILogger<SipDnsCheck>>()));
            periodic = true;
        }
        if (settings.TlsEnabled && settings.Tls is { } tls)
        {
            services.AddSingleton(sp => new TlsCertificateCheck(tls, new TlsCheckMetrics(sp.GetRequiredService<IMetricFactory>(), tls.Targets.Select(t => t.Name)),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TlsCertificateCheck>>()));
            periodic = true;
        }
        if (settings.Process is { } process)
        {
            services.AddSingleton(sp => new ProcessHealthProbe(process, new ProcessHealthMetrics(sp.GetRequiredService<IMetricFactory>()),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProcessHealthProbe>>()));
            periodic = true;
        }
        if (periodic)
        {
            services.AddHostedService(sp => new PeriodicDiagnosisService(settings, sp.GetRequiredService<DiagnosisAlerts>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<PeriodicDiagnosisService>>(), sp.GetService<SipDnsCheck>(), sp.GetService<TlsCertificateCheck>(),
                sp.GetService<ProcessHealthProbe>()));
        }

        if (asteriskLogPath is not { Length: > 0 } log)
        {
            return services;
        }
        services.AddSingleton(sp => new TrunkDiagnoser(settings, sp.GetRequiredService<DoctorAudit>(), sp.GetRequiredService<IAlertPublisher>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TrunkDiagnoser>>(), sp.GetService<PbxStateStore>()));
        services.AddSingleton<Sources.IAsteriskLogObserver>(sp => new TrunkLogObserver(sp.GetRequiredService<TrunkDiagnoser>()));
        services.AddHostedService(sp => new ProviderRequestDiagnosisService(sp.GetService<Security.ProviderRequestQueue>(), sp.GetRequiredService<TrunkDiagnoser>()));
        if (settings.Evidence.Enabled)
        {
            services.TryAddSingleton<IAsteriskCli>(sp => new AmiAsteriskCli(sp.GetRequiredService<AmiClient>(), sp.GetRequiredService<ILogger<AmiAsteriskCli>>()));
            services.AddSingleton(sp => new SipEvidenceRecorder(settings.Evidence, log, sp.GetRequiredService<IAsteriskCli>(),
                sp.GetRequiredService<IAlertPublisher>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SipEvidenceRecorder>>()));
            services.AddHostedService(sp => new SipEvidenceService(sp.GetRequiredService<PbxStateStore>(), sp.GetRequiredService<SipEvidenceRecorder>(), settings));
        }
        return services;
    }
}
