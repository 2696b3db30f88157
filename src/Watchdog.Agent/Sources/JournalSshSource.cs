using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Sources;

/// <summary>
/// sshd failures from journald: runs <c>journalctl -f -o json -n 0 -u UNIT…</c> through <see cref="IProcessRunner"/>,
/// parses each entry's MESSAGE with the sshd parser (pid from _PID for correlation) and feeds the sink.
/// Restarts journalctl after <see cref="JournalSshOptions.RestartDelay"/> if it exits.
/// </summary>
public sealed class JournalSshSource(
    JournalSshOptions options,
    IProcessRunner runner,
    IAuthFailureSink sink,
    TimeProvider time,
    ILogger<JournalSshSource> logger)
{
    private readonly SshdSessionCorrelator _correlator = new(time);

    /// <summary>The journalctl invocation.</summary>
    public ProcessSpec Command
    {
        get
        {
            List<string> args = ["-f", "-o", "json", "-n", "0", "--no-pager"];
            foreach (var unit in options.Units)
            {
                args.Add("-u");
                args.Add(unit);
            }

            return new ProcessSpec(options.JournalctlPath, args, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Follows the journal until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            LogMessages.JournalSourceRestarting(logger, options.JournalctlPath, options.RestartDelay.TotalSeconds);
            await Task.Delay(options.RestartDelay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs journalctl once, until it exits or the token fires.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await foreach (var line in runner.StreamLinesAsync(Command, cancellationToken).ConfigureAwait(false))
        {
            if (TryParse(line) is { } failure)
            {
                await sink.RecordFailureAsync(failure, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One JSON line → a failure, or null.</summary>
    public AuthFailure? TryParse(string jsonLine)
    {
        JournalEntry? entry;
        try
        {
            if (!JournalEntry.TryParse(Encoding.UTF8.GetBytes(jsonLine), out entry) || entry is null)
            {
                return null;
            }
        }
        catch (JsonException e)
        {
            LogMessages.JournalEntrySkipped(logger, e.Message);
            return null;
        }

        var fromSshd = entry.Identifier is "sshd" or "sshd-session" ||
                       (entry.Unit is not null && options.Units.Contains(entry.Unit));
        if (!fromSshd || !SshdLogParser.TryParseMessage(entry.Message, entry.Pid, out var record) ||
            _correlator.Process(record) is not { } address)
        {
            return null;
        }

        return new AuthFailure(AttackSource.Ssh, address, entry.Timestamp ?? time.GetUtcNow(), "sshd");
    }
}
