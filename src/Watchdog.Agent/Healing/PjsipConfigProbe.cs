using System.Globalization;
using Watchdog.Ami;

namespace Watchdog.Agent.Healing;

/// <summary>Whether the PJSIP configuration on disk is newer than what Asterisk last loaded.</summary>
/// <param name="NewestFileAt">The newest modification time among pjsip.conf and the files it includes; null when none was found.</param>
/// <param name="LastReloadAt">Asterisk's last reload (<c>CoreStatus</c> <c>CoreReloadDate</c>/<c>CoreReloadTime</c>, or a later reload seen by the agent); null when unknown.</param>
public sealed record PjsipConfigFacts(DateTimeOffset? NewestFileAt, DateTimeOffset? LastReloadAt)
{
    /// <summary>True when a file changed after the last reload; null when either time is unknown.</summary>
    public bool? NewerThanReload => NewestFileAt is { } f && LastReloadAt is { } r ? f > r : null;
}

/// <summary>Reads <see cref="PjsipConfigFacts"/> (a real one over AMI and the file system; a fake in tests).</summary>
public interface IPjsipConfigProbe
{
    /// <summary>Reads the facts now.</summary>
    Task<PjsipConfigFacts> ReadAsync(CancellationToken ct);

    /// <summary>Tells the probe that res_pjsip was reloaded at <paramref name="at"/> (by the agent or a <c>Reload</c> event).</summary>
    void Reloaded(DateTimeOffset at);
}

/// <summary>
/// <see cref="IPjsipConfigProbe"/> over <c>CoreStatus</c> (a read-only action) and the mtimes of pjsip.conf
/// and every file it <c>#include</c>s / <c>#tryinclude</c>s. Asterisk prints its reload time in the host's
/// local time without an offset; the agent runs on the same host, so it is read in the local time zone.
/// </summary>
public sealed class PjsipConfigProbe(AmiClient client, string configDirectory, TimeProvider time) : IPjsipConfigProbe
{
    private const int MaxIncludeDepth = 8;
    private DateTimeOffset? _reloadSeen;

    /// <inheritdoc />
    public void Reloaded(DateTimeOffset at)
    {
        if (_reloadSeen is not { } seen || at > seen) _reloadSeen = at;
    }

    /// <inheritdoc />
    public async Task<PjsipConfigFacts> ReadAsync(CancellationToken ct)
    {
        DateTimeOffset? reload = null;
        try
        {
            var status = await client.SendAsync(AmiActions.CoreStatus(), ct).ConfigureAwait(false);
            if (status.IsSuccess) reload = ReloadTime(status.Message, time.LocalTimeZone);
        }
        catch (AmiException)
        {
            // Unknown: the policy then never reloads for freshness.
        }
        if (_reloadSeen is { } seen && (reload is null || seen > reload)) reload = seen;
        return new PjsipConfigFacts(NewestMtime(configDirectory), reload);
    }

    /// <summary><c>CoreReloadDate</c> + <c>CoreReloadTime</c> read in <paramref name="zone"/>; null when absent.</summary>
    public static DateTimeOffset? ReloadTime(AmiMessage m, TimeZoneInfo zone) =>
        m["CoreReloadDate"] is { } d && m["CoreReloadTime"] is { } t
        && DateTime.TryParseExact($"{d} {t}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, zone.GetUtcOffset(local))
            : null;

    /// <summary>The newest mtime of pjsip.conf in <paramref name="directory"/> and its includes; null when pjsip.conf is missing.</summary>
    public static DateTimeOffset? NewestMtime(string directory)
    {
        var root = Path.Combine(directory, "pjsip.conf");
        if (!File.Exists(root)) return null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset newest = DateTimeOffset.MinValue;
        Visit(root, 0);
        return newest;

        void Visit(string path, int depth)
        {
            if (!seen.Add(Path.GetFullPath(path)) || !File.Exists(path)) return;
            var mtime = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            if (mtime > newest) newest = mtime;
            if (depth >= MaxIncludeDepth) return;
            foreach (var raw in File.ReadLines(path))
            {
                var line = raw.Trim();
                var keyword = line.StartsWith("#include", StringComparison.OrdinalIgnoreCase) ? "#include"
                    : line.StartsWith("#tryinclude", StringComparison.OrdinalIgnoreCase) ? "#tryinclude" : null;
                if (keyword is null) continue;
                var target = line[keyword.Length..].Trim().Trim('"', '<', '>');
                if (target.Length == 0) continue;
                Visit(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(path)!, target), depth + 1);
            }
        }
    }
}
