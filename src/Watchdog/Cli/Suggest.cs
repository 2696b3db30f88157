namespace Watchdog.Cli;

/// <summary>"Did you mean": the closest known name by edit distance (the CLI's typos and the config's unknown keys).</summary>
internal static class Suggest
{
    /// <summary>The candidate closest to <paramref name="typed"/>, case-insensitively, or null when none is close enough to be a typo.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        // A third of the name (at least 1, at most 3) may be wrong: "Hots" → "Host", "Alertting" → "Alerting".
        var allowed = Math.Clamp(typed.Length / 3, 1, 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Damerau–Levenshtein (optimal string alignment): a swap of two neighbours counts once.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
