using System.Text;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Sources;

/// <summary>
/// Asterisk's security log (<c>/var/log/asterisk/security</c>) → <see cref="AsteriskSecurityLogParser"/> →
/// <see cref="AsteriskSecurityEventClassifier"/> → sink. The AMI client will later feed the same classifier
/// with live security events.
/// </summary>
public sealed class AsteriskSecurityLogSource(LogTailer tailer, IAuthFailureSink sink, TimeProvider time)
{
    private readonly List<AuthFailure> _pending = [];

    /// <summary>Follows the file until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => tailer.RunAsync(OnLine, FlushAsync, cancellationToken);

    /// <summary>Parses one line.</summary>
    public void OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("SecurityEvent=\""u8) < 0)
        {
            return;
        }

        if (AsteriskSecurityLogParser.TryParse(Encoding.UTF8.GetString(line), out var fields) &&
            AsteriskSecurityEventClassifier.Classify(fields) is { } failure)
        {
            _pending.Add(new AuthFailure(failure.Source, failure.Address, time.GetUtcNow(), failure.EventName));
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
