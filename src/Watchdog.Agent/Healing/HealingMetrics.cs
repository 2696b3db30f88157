using Prometheus;

namespace Watchdog.Agent.Healing;

/// <summary>Metrics of self-healing. Labels are registration/endpoint names from config and small fixed sets.</summary>
public sealed class HealingMetrics
{
    private readonly Gauge _capReached;
    private readonly Counter _rtpTimeouts;
    private readonly Counter _registrationFailures;

    /// <summary>Creates the metrics in <paramref name="factory"/>.</summary>
    public HealingMetrics(IMetricFactory factory)
    {
        _capReached = factory.CreateGauge("watchdog_remediation_cap_reached",
            "1 while healing is paused because the hourly cap of actions is reached.");
        _rtpTimeouts = factory.CreateCounter("asterisk_rtp_timeouts_total",
            "Calls Asterisk hung up for lack of RTP, per endpoint.", new CounterConfiguration { LabelNames = ["endpoint"] });
        _registrationFailures = factory.CreateCounter("asterisk_registration_failures_total",
            "Outbound registration failures read from Asterisk's log, by cause (403, timeout, max_retries, SIP code).",
            new CounterConfiguration { LabelNames = ["registration", "cause"] });
    }

    /// <summary>Sets the cap gauge.</summary>
    public void CapReached(bool reached) => _capReached.Set(reached ? 1 : 0);

    /// <summary>Creates the RTP-timeout series of these endpoints at zero, so the first timeout shows as an increase.</summary>
    public void PrepareEndpoints(IEnumerable<string> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            _rtpTimeouts.WithLabels(endpoint);
        }
    }

    /// <summary>Counts one RTP timeout.</summary>
    public void RtpTimeout(string endpoint) => _rtpTimeouts.WithLabels(endpoint).Inc();

    /// <summary>Counts one registration failure.</summary>
    public void RegistrationFailure(string registration, string cause) => _registrationFailures.WithLabels(registration, cause).Inc();
}
