using System.Text.Json;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

/// <summary>What a fail2ban <c># failJSON:</c> annotation expects of the line after it.</summary>
internal sealed record Fail2banExpectation(bool Match, string? Host, bool Applies, string Json);

/// <summary>One log line of a fail2ban test file, with the section's modes and its annotation (if any).</summary>
internal sealed record Fail2banLine(int Number, string Text, bool NormalMode, Fail2banExpectation? Expectation);

/// <summary>Reads fail2ban's annotated test logs (see Fixtures/README.md).</summary>
internal static class Fail2banAnnotatedLog
{
    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Security", "Fixtures", name);

    public static IReadOnlyList<Fail2banLine> Read(string name)
    {
        var lines = new List<Fail2banLine>();
        var normal = true;
        Fail2banExpectation? pending = null;
        var number = 0;
        foreach (var raw in File.ReadLines(FixturePath(name)))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# filterOptions:", StringComparison.Ordinal))
            {
                normal = IncludesNormalMode(line["# filterOptions:".Length..]);
                continue;
            }

            if (line.StartsWith("# failJSON:", StringComparison.Ordinal))
            {
                pending = ParseExpectation(line["# failJSON:".Length..]);
                continue;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            lines.Add(new Fail2banLine(number, line, normal, pending));
            pending = null;
        }

        return lines;
    }

    /// <summary>True when the host is an address our strict parser accepts (not a name, not an odd literal).</summary>
    public static bool IsIpLiteral(string host) => IpLiteral.TryParse(host.AsSpan(), out _);

    public static string Canonical(string host) =>
        IpLiteral.TryParse(host.AsSpan(), out var address) ? address.ToString() : host;

    private static bool IncludesNormalMode(string json)
    {
        using var doc = JsonDocument.Parse(json);
        static bool Normal(JsonElement options) =>
            !options.TryGetProperty("mode", out var mode) || mode.GetString() == "normal";
        return doc.RootElement.ValueKind == JsonValueKind.Array
            ? doc.RootElement.EnumerateArray().Any(Normal)
            : Normal(doc.RootElement);
    }

    private static Fail2banExpectation ParseExpectation(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var match = root.GetProperty("match").GetBoolean();
        string? host = null;
        foreach (var key in new[] { "host", "ip4", "ip6" })
        {
            if (root.TryGetProperty(key, out var h) && h.ValueKind == JsonValueKind.String)
            {
                host = h.GetString();
            }
        }

        // The constraints used in these files: name == 'sshd' (true for us) and the aggressive-mode switches.
        var applies = true;
        if (root.TryGetProperty("constraint", out var c))
        {
            var text = c.GetString() ?? "";
            applies = !text.Contains("== 'aggressive'", StringComparison.Ordinal);
        }

        return new Fail2banExpectation(match, host, applies, json.Trim());
    }
}

/// <summary>Tally of one parity run, printed by the tests.</summary>
internal sealed class ParityTally
{
    public int Annotated { get; set; }
    public int IpLiteralExpected { get; set; }
    public int IpLiteralRight { get; set; }
    public int NonLiteralSkipped { get; set; }
    public int MatchTrueWithoutHost { get; set; }
    public int MatchFalseExpected { get; set; }
    public int MatchFalseRight { get; set; }
    public int OutOfScope { get; set; }
    public List<string> Wrong { get; } = [];

    public int Right => IpLiteralRight + MatchFalseRight;

    /// <summary>Scores what we found (an address or null) for one annotated line.</summary>
    public void Score(Fail2banLine line, Fail2banExpectation expect, string? found)
    {
        Annotated++;
        if (!expect.Match)
        {
            MatchFalseExpected++;
            if (found is null)
            {
                MatchFalseRight++;
            }
            else
            {
                Wrong.Add($"line {line.Number}: expected no failure, got {found}: {line.Text}");
            }
        }
        else if (expect.Host is null)
        {
            MatchTrueWithoutHost++;
        }
        else if (!Fail2banAnnotatedLog.IsIpLiteral(expect.Host))
        {
            NonLiteralSkipped++;
            if (found is not null)
            {
                Wrong.Add($"line {line.Number}: host '{expect.Host}' is not an IP literal, yet we took {found}: {line.Text}");
            }
        }
        else
        {
            IpLiteralExpected++;
            if (found == Fail2banAnnotatedLog.Canonical(expect.Host))
            {
                IpLiteralRight++;
            }
            else
            {
                Wrong.Add($"line {line.Number}: expected {expect.Host}, got {found ?? "nothing"}: {line.Text}");
            }
        }
    }

    public override string ToString() =>
        $"{Right}/{IpLiteralExpected + MatchFalseExpected} default-mode lines right " +
        $"({IpLiteralRight}/{IpLiteralExpected} failures with an IP literal host, {MatchFalseRight}/{MatchFalseExpected} 'match: false' lines); " +
        $"{NonLiteralSkipped} failures with a host name or odd literal skipped (nothing banned), " +
        $"{MatchTrueWithoutHost} failures annotated without host, {OutOfScope} lines out of scope";
}
