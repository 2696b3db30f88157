using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Sources;

/// <summary>
/// auth.log → sshd parser → per-connection correlator → <see cref="IAuthFailureSink"/>. Lines are parsed on the
/// tailer's bytes; only failures allocate. Failures of one poll are handed on after the poll.
/// </summary>
public sealed class SshAuthLogSource(LogTailer tailer, IAuthFailureSink sink, TimeProvider time)
{
    private readonly SshdSessionCorrelator _correlator = new(time);
    private readonly List<AuthFailure> _pending = [];

    /// <summary>Follows the file until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => tailer.RunAsync(OnLine, FlushAsync, cancellationToken);

    /// <summary>Parses one line (the tailer calls this; tests and the benchmark may too).</summary>
    public void OnLine(ReadOnlySpan<byte> line)
    {
        if (SshdLogParser.TryParseLine(line, out var record) && _correlator.Process(record) is { } address)
        {
            _pending.Add(new AuthFailure(AttackSource.Ssh, address, time.GetUtcNow(), "sshd"));
        }
    }

    /// <summary>Hands the failures parsed so far to the sink.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var failure in _pending)
        {
            await sink.RecordFailureAsync(failure, cancellationToken).ConfigureAwait(false);
        }

        _pending.Clear();
    }
}
