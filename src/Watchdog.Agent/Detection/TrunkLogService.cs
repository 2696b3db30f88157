using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Tails Asterisk's messages log for the trunk diagnoses: requests that matched no endpoint and RTP timeouts
/// go to <see cref="TrunkDiagnoser"/>.
/// </summary>
public sealed class TrunkLogService(string messagesLogPath, TrunkDiagnoser diagnoser, TimeProvider time, ILoggerFactory loggers) : BackgroundService
{
    /// <summary>Lines are parsed in the tailer's callback and acted on after each poll, outside it.</summary>
    private readonly List<object> _pending = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tailer = new LogTailer(new LogTailerOptions { Path = messagesLogPath, PollInterval = TimeSpan.FromMilliseconds(500), UseFileSystemWatcher = true }, time,
            loggers.CreateLogger<LogTailer>());
        try
        {
            await tailer.RunAsync(OnLine, ActAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
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

    private async ValueTask ActAsync(CancellationToken ct)
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
