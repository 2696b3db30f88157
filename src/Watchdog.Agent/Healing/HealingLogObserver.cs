using System.Text;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Healing;

/// <summary>The healing loop's share of Asterisk's messages log: registration failure causes and RTP time-outs, as incidents.</summary>
public sealed class HealingLogObserver(IncidentChannel incidents, TimeProvider time) : IAsteriskLogObserver
{
    /// <inheritdoc />
    public void OnLine(ReadOnlySpan<byte> line)
    {
        // Cheap filter before decoding: the lines we act on are WARNING or NOTICE.
        if (line.IndexOf("WARNING["u8) < 0 && line.IndexOf("NOTICE["u8) < 0)
        {
            return;
        }
        switch (AsteriskLogLine.Parse(Encoding.UTF8.GetString(line)))
        {
            case RegistrationFailureLogged failure:
                incidents.Publish(new RegistrationFailureIncident(time.GetUtcNow(), failure));
                break;
            case RtpTimeoutLogged timeout when timeout.Endpoint.Length > 0:
                incidents.Publish(new RtpTimeoutIncident(time.GetUtcNow(), timeout.Channel, timeout.Endpoint));
                break;
        }
    }
}
