using System.Text.RegularExpressions;

namespace Watchdog.Agent.Diagnosis;

/// <summary>
/// Picks the SIP exchange out of log lines written while the pjsip logger was on, hides credentials and trims it.
/// </summary>
public static partial class EvidenceExcerpt
{
    private const int MaxLineChars = 400;

    /// <summary>
    /// Keeps res_pjsip_logger's packet headers with the SIP lines that follow them, and other log lines that name
    /// <paramref name="host"/>; replaces <c>Authorization</c>/<c>Proxy-Authorization</c> values with <c>***</c>;
    /// returns at most <paramref name="maxLines"/> lines and <paramref name="maxChars"/> characters (newlines included),
    /// the last line saying how many were left out.
    /// </summary>
    public static IReadOnlyList<string> Build(IEnumerable<string> lines, string host, int maxLines, int maxChars, out int seen)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var picked = new List<string>();
        var inPacket = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('['))
            {
                inPacket = line.Contains("res_pjsip_logger.c", StringComparison.Ordinal);
                if (inPacket || (host.Length > 0 && line.Contains(host, StringComparison.OrdinalIgnoreCase)))
                {
                    picked.Add(Redact(line));
                }
            }
            else if (inPacket && line.Length > 0)
            {
                picked.Add(Redact(line));
            }
        }
        seen = picked.Count;
        return Trim(picked, maxLines, maxChars);
    }

    /// <summary>Hides the value of an Authorization or Proxy-Authorization header wherever it appears in the line.</summary>
    public static string Redact(string line) => Credentials().Replace(line, "$1: ***");

    private static List<string> Trim(List<string> lines, int maxLines, int maxChars)
    {
        var kept = new List<string>();
        var chars = 0;
        const int MarkerReserve = 40;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Length > MaxLineChars ? lines[i][..MaxLineChars] + "…" : lines[i];
            var last = i == lines.Count - 1;
            var roomLines = last ? maxLines : maxLines - 1;
            var roomChars = last ? maxChars : maxChars - MarkerReserve;
            if (kept.Count >= roomLines || chars + line.Length + 1 > roomChars)
            {
                kept.Add($"… {lines.Count - i} more line(s) left out");
                break;
            }
            kept.Add(line);
            chars += line.Length + 1;
        }
        return kept;
    }

    [GeneratedRegex(@"\b((?:Proxy-)?Authorization)\s*:.*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Credentials();
}
