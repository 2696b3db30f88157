using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Security;

/// <summary>
/// Reads and writes <see cref="BanState"/> as JSON. Writes are atomic (temp file in the same directory, flushed,
/// then renamed over the old file), so a crash leaves the old or the new state, never half of one.
/// </summary>
public sealed class BanStateStore(string path, ILogger<BanStateStore> logger)
{
    /// <summary>The state file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Loads the state; a missing file is an empty state, an unreadable one is set aside and logged.</summary>
    public async Task<BanState> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return new BanState();
        }

        try
        {
            await using var stream = File.OpenRead(Path);
            return await JsonSerializer.DeserializeAsync(stream, BanStateJsonContext.Default.BanState, cancellationToken).ConfigureAwait(false)
                ?? new BanState();
        }
        catch (JsonException e)
        {
            var aside = Path + ".corrupt-" + Guid.NewGuid().ToString("N")[..8];
            File.Move(Path, aside);
            LogMessages.BanStateUnreadable(logger, Path, aside, e.Message);
            return new BanState();
        }
    }

    /// <summary>
    /// Saves like <see cref="SaveAsync"/> but logs a failure to write instead of throwing: a full disk or a read-only
    /// directory must not stop a ban (the firewall rule is in place; only its memory across restarts is lost).
    /// </summary>
    public async Task TrySaveAsync(BanState state, CancellationToken cancellationToken)
    {
        try
        {
            await SaveAsync(state, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            LogMessages.BanStateSaveFailed(logger, Path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            LogMessages.BanStateSaveFailed(logger, Path, e.Message);
        }
    }

    /// <summary>Replaces the file with <paramref name="state"/> atomically.</summary>
    public async Task SaveAsync(BanState state, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await JsonSerializer.SerializeAsync(stream, state, BanStateJsonContext.Default.BanState, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
