using System.Threading.Channels;

namespace Watchdog.Agent.Detection;

/// <summary>
/// The bounded hand-off between the sources that detect authentication failures (AMI security events, sshd,
/// Asterisk's security log) and the ban policy, which consumes it on its own task. Writing never waits, so an
/// AMI observer that reports a failure returns at once even while a ufw call is under way; past the capacity
/// the newest failures are dropped and counted (a flood that fills it has long since been banned).
/// </summary>
public sealed class AuthFailureChannel(int capacity = 4096) : IAuthFailureSink
{
    private readonly Channel<AuthFailure> _channel = Channel.CreateBounded<AuthFailure>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private long _dropped;

    /// <summary>Failures dropped because the consumer was behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>What the ban policy reads.</summary>
    public ChannelReader<AuthFailure> Reader => _channel.Reader;

    /// <inheritdoc />
    public ValueTask RecordFailureAsync(AuthFailure failure, CancellationToken cancellationToken)
    {
        if (!_channel.Writer.TryWrite(failure))
        {
            Interlocked.Increment(ref _dropped);
        }
        return ValueTask.CompletedTask;
    }
}
