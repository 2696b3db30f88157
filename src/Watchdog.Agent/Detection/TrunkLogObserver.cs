using System.Text;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Detection;

/// <summary>
/// The trunk diagnoses' share of Asterisk's messages log: requests that matched no endpoint and RTP timeouts go
/// to <see cref="TrunkDiagnoser"/>. Lines are parsed in the reader's callback and acted on after each read.
/// </summary>
public sealed class TrunkLogObserver(TrunkDiagnoser diagnoser) : IAsteriskLogObserver
{
    private readonly List<object> _pending = [];

    /// <inheritdoc />
    public void OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("No matching endpoint found"u8) >= 0)
        {
            if (UnmatchedRequestLine.Parse(Encoding.UTF8.GetString(line)) is { } request)
            {
                _pending.Add(request);
            }
        }
        else if (line.IndexOf("RTP activity"u8) >= 0 && AsteriskLogLine.Parse(Encoding.UTF8.GetString(line)) is RtpTimeoutLogged { Endpoint.Length: > 0 } rtp)
        {
            _pending.Add(rtp);
        }
    }

    /// <inheritdoc />
    public async ValueTask AfterReadAsync(CancellationToken ct)
    {
        foreach (var item in _pending)
        {
            switch (item)
            {
                case UnmatchedRequest request:
                    await diagnoser.OnUnmatchedAsync(request, ct).ConfigureAwait(false);
                    break;
                case RtpTimeoutLogged rtp:
                    await diagnoser.OnRtpTimeoutAsync(rtp.Endpoint, ct).ConfigureAwait(false);
                    break;
            }
        }
        _pending.Clear();
    }
}
