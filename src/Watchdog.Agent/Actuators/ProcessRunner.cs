using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Actuators;

/// <summary>
/// <see cref="IProcessRunner"/> over <see cref="Process"/>: <c>ArgumentList</c> only, no shell, output captured
/// (bounded) and logged, the whole process tree killed on timeout or cancellation.
/// </summary>
public sealed class ProcessRunner(TimeProvider time, ILogger<ProcessRunner> logger) : IProcessRunner
{
    /// <summary>Output kept per stream; a misbehaving program cannot make us buffer without limit.</summary>
    public const int MaxCapturedChars = 64 * 1024;

    /// <inheritdoc />
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var started = time.GetTimestamp();
        using var process = new Process { StartInfo = CreateStartInfo(spec) };
        var stdout = new BoundedText(MaxCapturedChars);
        var stderr = new BoundedText(MaxCapturedChars);
        process.OutputDataReceived += (_, e) => stdout.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);

        if (!TryStart(process, spec, out var startError))
        {
            return new ProcessResult(ProcessOutcome.FailedToStart, -1, "", startError, time.GetElapsedTime(started));
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(spec.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var outcome = ProcessOutcome.Exited;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            Kill(process, spec);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            outcome = ProcessOutcome.TimedOut;
        }

        // Waiting without a token after exit lets the asynchronous output readers drain to EOF.
        if (outcome == ProcessOutcome.Exited)
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var result = new ProcessResult(
            outcome,
            outcome == ProcessOutcome.Exited ? process.ExitCode : -1,
            stdout.ToString(),
            stderr.ToString(),
            time.GetElapsedTime(started));
        LogMessages.ProcessFinished(
            logger, spec.FileName, spec.Display, result.Outcome, result.ExitCode, (long)result.Elapsed.TotalMilliseconds,
            Trim(result.StandardOutput), Trim(result.StandardError));
        return result;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> StreamLinesAsync(ProcessSpec spec, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var process = new Process { StartInfo = CreateStartInfo(spec) };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                LogMessages.ProcessStandardError(logger, spec.FileName, Trim(e.Data));
            }
        };

        if (!TryStart(process, spec, out var startError))
        {
            throw new InvalidOperationException($"could not start {spec.FileName}: {startError}");
        }

        var started = time.GetTimestamp();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                yield return line;
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            LogMessages.ProcessFinished(
                logger, spec.FileName, spec.Display, ProcessOutcome.Exited, process.ExitCode,
                (long)time.GetElapsedTime(started).TotalMilliseconds, "", "");
        }
        finally
        {
            Kill(process, spec);
        }
    }

    private static ProcessStartInfo CreateStartInfo(ProcessSpec spec)
    {
        var info = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Tools like ufw print translated, column-aligned text; pin the locale so parsing is stable.
        info.Environment["LC_ALL"] = "C";
        return info;
    }

    private bool TryStart(Process process, ProcessSpec spec, out string error)
    {
        try
        {
            process.Start();
            error = "";
            return true;
        }
        catch (Win32Exception e)
        {
            error = e.Message;
            LogMessages.ProcessStartFailed(logger, spec.FileName, spec.Display, e.Message);
            return false;
        }
    }

    private void Kill(Process process, ProcessSpec spec)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                LogMessages.ProcessKilled(logger, spec.FileName, spec.Display);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill: nothing left to stop.
        }
    }

    private static string Trim(string text)
    {
        const int max = 2000;
        text = text.TrimEnd();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }

    private sealed class BoundedText(int limit)
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public void AppendLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                if (_text.Length + line.Length + 1 <= limit)
                {
                    _text.Append(line).Append('\n');
                }
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }
}
