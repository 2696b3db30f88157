using System.Threading.Channels;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Healing;

/// <summary>Something a detector saw that a decision loop may act on. Detectors publish; they never act.</summary>
public abstract record Incident(DateTimeOffset At);

/// <summary>A call died for lack of RTP (from the log line or the Hangup with cause 44 of an answered channel).</summary>
public sealed record RtpTimeoutIncident(DateTimeOffset At, string Channel, string Endpoint) : Incident(At);

/// <summary>Asterisk logged why an outbound registration failed.</summary>
public sealed record RegistrationFailureIncident(DateTimeOffset At, RegistrationFailureLogged Failure) : Incident(At);

/// <summary>
/// The bounded queue between detectors (AMI observers, log tailers) and the healing decision loop. A
/// detector's <see cref="Publish"/> never waits: an AMI observer must return at once so no other observer
/// (the state tracker included) is held up by an action. When full the oldest incident is dropped and counted.
/// </summary>
public sealed class IncidentChannel
{
    /// <summary>How many incidents may wait; past it the oldest go.</summary>
    public const int Capacity = 1024;

    private readonly Channel<Incident> _channel;
    private long _dropped;

    /// <summary>Creates the queue.</summary>
    public IncidentChannel() =>
        _channel = Channel.CreateBounded<Incident>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));

    /// <summary>Incidents dropped because the loop fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues an incident without waiting.</summary>
    public void Publish(Incident incident) => _channel.Writer.TryWrite(incident);

    /// <summary>The decision loop's side.</summary>
    public ChannelReader<Incident> Reader => _channel.Reader;
}
