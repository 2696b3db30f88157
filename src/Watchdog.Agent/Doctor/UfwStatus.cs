namespace Watchdog.Agent.Doctor;

/// <summary>Transport protocol of a firewall rule; <see cref="Any"/> when the rule names none.</summary>
public enum FirewallProtocol
{
    /// <summary>Both tcp and udp.</summary>
    Any,
    /// <summary>tcp only.</summary>
    Tcp,
    /// <summary>udp only.</summary>
    Udp,
}

/// <summary>One ALLOW/LIMIT rule of <c>ufw status verbose</c>: a set of port ranges for a protocol, or everything.</summary>
/// <param name="Text">The rule's "To" column as printed.</param>
/// <param name="Ranges">Inclusive port ranges; empty with <paramref name="AllPorts"/> or an application profile.</param>
/// <param name="Protocol">Which protocol the ports are for.</param>
/// <param name="AllPorts">True for "Anywhere" (every port).</param>
/// <param name="Profile">An application profile name such as <c>OpenSSH</c>, or null.</param>
public sealed record UfwAllowRule(string Text, IReadOnlyList<(int From, int To)> Ranges, FirewallProtocol Protocol, bool AllPorts, string? Profile)
{
    /// <summary>True when this rule lets <paramref name="port"/>/<paramref name="protocol"/> in.</summary>
    public bool Covers(int port, FirewallProtocol protocol) =>
        (Protocol == FirewallProtocol.Any || Protocol == protocol)
        && (AllPorts || Ranges.Any(r => port >= r.From && port <= r.To));
}

/// <summary>The parts of <c>ufw status verbose</c> the doctor needs: active or not, and the inbound allow rules.</summary>
public sealed record UfwStatus(bool Active, IReadOnlyList<UfwAllowRule> AllowRules)
{
    /// <summary>True when an allow rule covers <paramref name="port"/>/<paramref name="protocol"/>.</summary>
    public bool Allows(int port, FirewallProtocol protocol) => AllowRules.Any(r => r.Covers(port, protocol));

    /// <summary>True when an application profile called <paramref name="profile"/> is allowed (case-insensitive).</summary>
    public bool AllowsProfile(string profile) =>
        AllowRules.Any(r => string.Equals(r.Profile, profile, StringComparison.OrdinalIgnoreCase));

    /// <summary>The sub-ranges of [<paramref name="from"/>, <paramref name="to"/>] no allow rule covers for <paramref name="protocol"/>.</summary>
    public IReadOnlyList<(int From, int To)> Uncovered(int from, int to, FirewallProtocol protocol)
    {
        var covering = AllowRules
            .Where(r => r.Protocol == FirewallProtocol.Any || r.Protocol == protocol)
            .SelectMany(r => r.AllPorts ? [(1, 65535)] : r.Ranges)
            .OrderBy(r => r.Item1)
            .ToList();
        var gaps = new List<(int, int)>();
        var next = from;
        foreach (var (start, end) in covering)
        {
            if (next > to)
            {
                break;
            }

            if (end < next)
            {
                continue;
            }

            if (start > next)
            {
                gaps.Add((next, Math.Min(start - 1, to)));
            }

            next = Math.Max(next, end + 1);
        }

        if (next <= to)
        {
            gaps.Add((next, to));
        }

        return gaps;
    }

    /// <summary>Parses the output of <c>ufw status verbose</c> (C locale).</summary>
    public static UfwStatus Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var active = false;
        var rules = new List<UfwAllowRule>();
        var inTable = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("Status:", StringComparison.Ordinal))
            {
                active = line["Status:".Length..].Trim().Equals("active", StringComparison.OrdinalIgnoreCase);
                continue;
            }

            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                inTable = true;
                continue;
            }

            if (!inTable || line.Trim().Length == 0)
            {
                continue;
            }

            // Columns are separated by at least two spaces: To, Action, From.
            var columns = System.Text.RegularExpressions.Regex.Split(line.Trim(), @"\s{2,}");
            if (columns.Length < 2)
            {
                continue;
            }

            var action = columns[1].ToUpperInvariant();
            if (!(action.StartsWith("ALLOW", StringComparison.Ordinal) || action.StartsWith("LIMIT", StringComparison.Ordinal))
                || action.EndsWith("OUT", StringComparison.Ordinal))
            {
                continue;
            }

            if (ParseTo(columns[0]) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return new UfwStatus(active, rules);
    }

    private static UfwAllowRule? ParseTo(string to)
    {
        var text = to.Replace("(v6)", "", StringComparison.Ordinal).Trim();
        var onInterface = text.IndexOf(" on ", StringComparison.Ordinal);
        if (onInterface >= 0)
        {
            text = text[..onInterface].Trim();
        }

        if (text.Equals("Anywhere", StringComparison.OrdinalIgnoreCase))
        {
            return new UfwAllowRule(to, [], FirewallProtocol.Any, true, null);
        }

        // "203.0.113.5 5060/udp" or "10.0.0.1 22": a destination address before the port.
        var space = text.LastIndexOf(' ');
        var portPart = space >= 0 ? text[(space + 1)..] : text;
        var protocol = FirewallProtocol.Any;
        var slash = portPart.IndexOf('/');
        if (slash >= 0)
        {
            protocol = portPart[(slash + 1)..].ToLowerInvariant() switch
            {
                "tcp" => FirewallProtocol.Tcp,
                "udp" => FirewallProtocol.Udp,
                _ => FirewallProtocol.Any,
            };
            portPart = portPart[..slash];
        }

        var ranges = new List<(int, int)>();
        foreach (var item in portPart.Split(','))
        {
            var colon = item.IndexOf(':');
            if (colon > 0 && int.TryParse(item[..colon], out var a) && int.TryParse(item[(colon + 1)..], out var b))
            {
                ranges.Add((Math.Min(a, b), Math.Max(a, b)));
            }
            else if (int.TryParse(item, out var single))
            {
                ranges.Add((single, single));
            }
        }

        if (ranges.Count > 0)
        {
            return new UfwAllowRule(to, ranges, protocol, false, null);
        }

        return new UfwAllowRule(to, [], FirewallProtocol.Any, false, text);
    }
}
