using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;
using Log = Watchdog.Agent.LogMessages;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Diagnosis;

/// <summary>The SIP exchange captured for a trunk while it failed.</summary>
/// <param name="Trunk">The trunk (registration's endpoint, or endpoint).</param>
/// <param name="Host">The host the pjsip logger was limited to.</param>
/// <param name="Reason">What triggered the capture.</param>
/// <param name="StartedAt">When the logger was switched on.</param>
/// <param name="EndedAt">When it was switched off.</param>
/// <param name="Lines">The redacted, trimmed excerpt.</param>
/// <param name="LinesSeen">SIP lines seen before trimming.</param>
public sealed record TrunkEvidence(string Trunk, string Host, string Reason, DateTimeOffset StartedAt, DateTimeOffset EndedAt, IReadOnlyList<string> Lines, int LinesSeen);

/// <summary>
/// Switches Asterisk's pjsip logger on for one host for a bounded time, reads what Asterisk wrote to its messages log
/// meanwhile, switches the logger off (always, even when cancelled), and keeps and alerts a redacted excerpt.
/// At most one capture per trunk per <see cref="EvidenceOptions.MinInterval"/>, and one at a time (the logger is global).
/// </summary>
public sealed partial class SipEvidenceRecorder(
    EvidenceOptions options,
    string? messagesLogPath,
    IAsteriskCli cli,
    IAlertPublisher alerts,
    TimeProvider time,
    ILogger<SipEvidenceRecorder> logger)
{
    /// <summary>The most the log is read per capture; a flood of unrelated lines must not be buffered.</summary>
    private const int MaxReadBytes = 1024 * 1024;
    private const string LoggerOff = "pjsip set logger off";
    private readonly ConcurrentDictionary<string, TrunkEvidence> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastStarted = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>The latest evidence per trunk, by trunk name.</summary>
    public IReadOnlyList<TrunkEvidence> Latest => _latest.Values.OrderBy(e => e.Trunk, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Captures evidence for <paramref name="trunk"/>, or returns null at once when the rate limit, a missing log path
    /// or an unusable host forbids it.
    /// </summary>
    public async Task<TrunkEvidence?> CaptureAsync(string trunk, string host, string reason, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trunk);
        ArgumentNullException.ThrowIfNull(host);
        if (!options.Enabled || messagesLogPath is not { Length: > 0 } log)
        {
            Log.EvidenceSkipped(logger, trunk, "disabled or no Asterisk log path");
            return null;
        }
        // The host goes into a CLI command line: only a plain host name or address may pass.
        if (!SafeHost().IsMatch(host))
        {
            Log.EvidenceSkipped(logger, trunk, "no usable host");
            return null;
        }
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_lastStarted.TryGetValue(trunk, out var last) && now - last < options.MinInterval)
            {
                Log.EvidenceSkipped(logger, trunk, "captured recently");
                return null;
            }
            _lastStarted[trunk] = now;
        }

        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await CaptureOneAsync(trunk, host, reason, log, ct).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<TrunkEvidence> CaptureOneAsync(string trunk, string host, string reason, string log, CancellationToken ct)
    {
        var offset = Length(log);
        var started = time.GetUtcNow();
        Log.EvidenceStarted(logger, trunk, host, options.Duration, reason);
        try
        {
            if (await cli.RunAsync($"pjsip set logger host {host}", ct).ConfigureAwait(false))
            {
                await Task.Delay(options.Duration, time, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            // Never leave the logger on: it writes every packet of that host to the log until told otherwise.
            await cli.RunAsync(LoggerOff, CancellationToken.None).ConfigureAwait(false);
        }

        var lines = await ReadFromAsync(log, offset, ct).ConfigureAwait(false);
        var excerpt = EvidenceExcerpt.Build(lines, host, options.MaxLines, options.MaxChars, out var seen);
        var evidence = new TrunkEvidence(trunk, host, reason, started, time.GetUtcNow(), excerpt, seen);
        _latest[trunk] = evidence;
        Log.EvidenceCollected(logger, trunk, excerpt.Count, seen);
        alerts.Publish(new Alert(AlertKind.SipEvidence, AlertSeverity.Info, trunk, evidence.EndedAt)
        {
            Key = $"evidence:{trunk}:{started.ToUnixTimeSeconds()}",
            Details = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["reason"] = reason,
                ["host"] = host,
                ["sip"] = excerpt.Count == 0 ? "(no SIP exchange logged)" : string.Join('\n', excerpt),
            },
        });
        return evidence;
    }

    private static long Length(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }

    private static async Task<IReadOnlyList<string>> ReadFromAsync(string path, long offset, CancellationToken ct)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
            // A rotated (shorter) log is read from its start.
            stream.Position = stream.Length < offset ? 0 : offset;
            var buffer = new byte[(int)Math.Min(MaxReadBytes, stream.Length - stream.Position)];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            return Encoding.UTF8.GetString(buffer, 0, read).Split('\n');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]{2,45})$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeHost();
}
