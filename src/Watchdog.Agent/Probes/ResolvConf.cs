using System.Net;

namespace Watchdog.Agent.Probes;

/// <summary>The system's DNS servers, read from <c>resolv.conf</c> (the file the host's own resolver uses).</summary>
public static class ResolvConf
{
    /// <summary>Where the system keeps it.</summary>
    public const string DefaultPath = "/etc/resolv.conf";

    /// <summary>The most nameservers the C library uses (MAXNS); later lines are ignored by it, so by us.</summary>
    public const int MaxNameservers = 3;

    /// <summary>
    /// The <c>nameserver</c> lines of <paramref name="path"/> in file order, as port-53 endpoints; empty when the file is
    /// missing or names none. Comments (<c>#</c>, <c>;</c>), other keywords and addresses that do not parse are skipped.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> Nameservers(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return Parse(lines);
    }

    /// <summary>The nameservers of resolv.conf text (see <see cref="Nameservers"/>).</summary>
    public static IReadOnlyList<IPEndPoint> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var servers = new List<IPEndPoint>();
        foreach (var raw in lines)
        {
            var line = raw.AsSpan().Trim();
            if (line.IsEmpty || line[0] is '#' or ';')
            {
                continue;
            }

            var parts = line.ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[0] != "nameserver")
            {
                continue;
            }

            // A link-local IPv6 server carries its interface (fe80::1%eth0); the name is not parseable, the address is.
            var address = parts[1].Split('%')[0];
            if (IPAddress.TryParse(address, out var ip) && servers.Count < MaxNameservers)
            {
                servers.Add(new IPEndPoint(ip, 53));
            }
        }

        return servers;
    }
}
