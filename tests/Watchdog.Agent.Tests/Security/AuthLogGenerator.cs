using System.Globalization;
using System.Net;

namespace Watchdog.Agent.Tests.Security;

/// <summary>What a generated sshd connection is, and what fail2ban's sshd filter (normal mode) counts in it.</summary>
internal enum ConnectionKind
{
    /// <summary>Invalid user, pam_unix failure, Failed password for invalid user …, closed or "Bye Bye" [preauth].</summary>
    InvalidUser,
    /// <summary>Failed password for root; at the limit, maximum attempts and the modern "Disconnecting authenticating user … Too many" (unmatched: the connection never ends in the log).</summary>
    RootBruteForce,
    /// <summary>User … not allowed because account is locked (no address), then the closing line that names it.</summary>
    LockedAccount,
    /// <summary>An invalid user whose name is an IP address (often a legitimate one).</summary>
    AddressLikeUser,
    /// <summary>Legitimate: Accepted publickey, a session, "Received disconnect … 11: disconnected by user".</summary>
    KeyUser,
    /// <summary>Legitimate: a client that connects and quits ("11: Bye Bye [preauth]") or logs in and disconnects.</summary>
    DisconnectByUser,
    /// <summary>Legitimate: Failed publickey of a valid user (fail2ban: no failure), then Accepted publickey.</summary>
    FailedKeyThenAccepted,
    /// <summary>Legitimate: Failed publickey of a valid user, then the client gives up (Connection closed [preauth]).</summary>
    FailedKeyGaveUp,
    /// <summary>Legitimate: Failed publickey of a valid user, then "Timeout before authentication" (unmatched: never ends in the log).</summary>
    FailedKeyTimedOut,
    /// <summary>A user who mistypes the password once and then logs in: one failure, as fail2ban counts it.</summary>
    Mistype,
}

/// <summary>One generated auth.log and its ground truth.</summary>
internal sealed record GeneratedAuthLog(
    IReadOnlyList<string> Lines,
    IReadOnlyDictionary<IPAddress, int> ExpectedFailures,
    IReadOnlyDictionary<IPAddress, int> MatchedLines,
    IReadOnlySet<IPAddress> Attackers,
    IReadOnlySet<IPAddress> Clean,
    IReadOnlySet<IPAddress> Mistypers,
    int PidReuses,
    int ReusesAfterUnendedConnection)
{
    public string Text => string.Join('\n', Lines) + "\n";
}

/// <summary>Knobs of <see cref="AuthLogGenerator"/>.</summary>
internal sealed record AuthLogGeneratorOptions
{
    public int Connections { get; init; } = 3000;
    public int Attackers4 { get; init; } = 30;
    public int Attackers6 { get; init; } = 12;
    public int Clean { get; init; } = 24;
    public int Mistypers { get; init; } = 8;
    public int Concurrency { get; init; } = 10;
    public int PidBase { get; init; } = 2000;
    /// <summary>Pids cycle through this many values (the kernel hands them out in order and wraps).</summary>
    public int PidSpan { get; init; } = 900;
    /// <summary>
    /// When true, a pid is not reused while fail2ban's own connection cache (100 entries, FIFO) would still hold its
    /// earlier, never-ended connection: there fail2ban itself carries one connection's users into the next — the
    /// very bug under test — so its answer would not be a clear classification.
    /// </summary>
    public bool Fail2banClear { get; init; } = true;
    /// <summary>Every attacker ends with at least this many failures.</summary>
    public int MinAttackerFailures { get; init; } = 5;
}

/// <summary>
/// A seeded generator of realistic sshd auth.log text: attackers (IPv4 and IPv6) and legitimate users interleaved,
/// pids handed out in order and reused, both timestamp styles (classic syslog, then rsyslog's high-precision
/// ISO-8601 after a mid-file config change). Only lines whose classification by fail2ban's stock sshd filter in
/// normal mode is clear are generated; the expected failures per address are counted as that filter counts them.
/// </summary>
internal static partial class AuthLogGenerator
{
    public static GeneratedAuthLog Generate(int seed, AuthLogGeneratorOptions? options = null)
    {
        var o = options ?? new AuthLogGeneratorOptions();
        var rng = new Random(seed);
        var attackers = new List<IPAddress>();
        for (var i = 0; i < o.Attackers4; i++)
        {
            attackers.Add(IPAddress.Parse(i % 2 == 0 ? $"203.0.113.{10 + i}" : $"198.51.100.{10 + i}"));
        }

        for (var i = 0; i < o.Attackers6; i++)
        {
            attackers.Add(IPAddress.Parse($"2001:db8:bad:{i:x}::{rng.Next(1, 0xffff):x}"));
        }

        var clean = new List<IPAddress>();
        for (var i = 0; i < o.Clean; i++)
        {
            clean.Add(IPAddress.Parse(i % 3 == 2 ? $"2001:db8:600d::{i + 1:x}" : $"192.0.2.{10 + i}"));
        }

        var mistypers = Enumerable.Range(0, o.Mistypers).Select(i => IPAddress.Parse($"192.0.2.{200 + i}")).ToList();

        // The plan: which connection, from where; attackers topped up until each reaches its minimum.
        var plan = new List<(ConnectionKind Kind, IPAddress Address)>();
        var attackerKinds = new[] { ConnectionKind.InvalidUser, ConnectionKind.RootBruteForce, ConnectionKind.LockedAccount, ConnectionKind.AddressLikeUser };
        var cleanKinds = new[] { ConnectionKind.KeyUser, ConnectionKind.DisconnectByUser, ConnectionKind.FailedKeyThenAccepted, ConnectionKind.FailedKeyGaveUp, ConnectionKind.FailedKeyTimedOut };
        foreach (var m in mistypers)
        {
            plan.Add((ConnectionKind.Mistype, m));
        }

        while (plan.Count < o.Connections)
        {
            plan.Add(rng.Next(100) < 55 && attackers.Count > 0
                ? (attackerKinds[rng.Next(attackerKinds.Length)], attackers[rng.Next(attackers.Count)])
                : (cleanKinds[rng.Next(cleanKinds.Length)], clean.Count > 0 ? clean[rng.Next(clean.Count)] : mistypers[0]));
        }

        var scripts = plan.Select(p => Plan(p.Kind, p.Address, rng, clean.Concat(mistypers).ToList())).ToList();
        var expected = new Dictionary<IPAddress, int>();
        var matched = new Dictionary<IPAddress, int>();
        foreach (var s in scripts)
        {
            expected[s.Address] = expected.GetValueOrDefault(s.Address) + s.Failures;
            matched[s.Address] = matched.GetValueOrDefault(s.Address) + s.Lines.Count(l => l.Matched);
        }

        foreach (var a in attackers)
        {
            while (expected.GetValueOrDefault(a) < o.MinAttackerFailures)
            {
                var s = Plan(ConnectionKind.InvalidUser, a, rng, clean);
                scripts.Add(s);
                expected[a] = expected.GetValueOrDefault(a) + s.Failures;
                matched[a] = matched.GetValueOrDefault(a) + s.Lines.Count(l => l.Matched);
            }
        }

        Shuffle(scripts, rng);
        var lines = Interleave(scripts, o, rng, out var reuses, out var staleReuses);
        return new GeneratedAuthLog(lines, expected, matched, attackers.ToHashSet(), clean.ToHashSet(), mistypers.ToHashSet(), reuses, staleReuses);
    }

    private static List<string> Interleave(List<Script> scripts, AuthLogGeneratorOptions o, Random rng, out int reuses, out int staleReuses)
    {
        var lines = new List<string>();
        var active = new List<(Script Script, int Pid, int Next)>();
        var inUse = new HashSet<int>();
        var used = new HashSet<int>();
        var unended = new HashSet<int>();
        var fail2banCache = new LinkedList<int>(); // fail2ban's mlfid cache: FIFO of 100 connection ids
        var pidCursor = o.PidBase + rng.Next(o.PidSpan);
        var time = new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
        var total = scripts.Sum(s => s.Lines.Count);
        var queue = new Queue<Script>(scripts);
        reuses = 0;
        staleReuses = 0;
        while (queue.Count > 0 || active.Count > 0)
        {
            if (queue.Count > 0 && (active.Count == 0 || (active.Count < o.Concurrency && rng.Next(3) == 0)))
            {
                var pid = NextPid(ref pidCursor, o, rng, inUse, fail2banCache);
                if (used.Contains(pid))
                {
                    reuses++;
                    if (unended.Contains(pid))
                    {
                        staleReuses++;
                    }
                }

                used.Add(pid);
                inUse.Add(pid);
                unended.Remove(pid);
                active.Add((queue.Dequeue(), pid, 0));
                continue;
            }

            var i = rng.Next(active.Count);
            var (script, p, next) = active[i];
            var line = script.Lines[next];
            time = time.AddMilliseconds(rng.Next(1, 900));
            lines.Add(Header(time, p, lines.Count < total / 2) + line.Text);
            if (line.Forget)
            {
                fail2banCache.Remove(p);
            }
            else if (line.Matched && !fail2banCache.Contains(p))
            {
                if (fail2banCache.Count >= 100)
                {
                    fail2banCache.RemoveFirst();
                }

                fail2banCache.AddLast(p);
            }

            if (next + 1 == script.Lines.Count)
            {
                active.RemoveAt(i);
                inUse.Remove(p);
                if (!script.Ends)
                {
                    unended.Add(p);
                }
            }
            else
            {
                active[i] = (script, p, next + 1);
            }
        }

        return lines;
    }

    private static int NextPid(ref int cursor, AuthLogGeneratorOptions o, Random rng, HashSet<int> inUse, LinkedList<int> fail2banCache)
    {
        for (var tries = 0; ; tries++)
        {
            cursor = o.PidBase + ((cursor - o.PidBase + 1 + rng.Next(3)) % o.PidSpan); // other processes take pids too
            if (!inUse.Contains(cursor) && !(o.Fail2banClear && fail2banCache.Contains(cursor)))
            {
                return cursor;
            }

            if (tries > 100 * o.PidSpan)
            {
                throw new InvalidOperationException("no free pid: widen PidSpan");
            }
        }
    }

    private static string Header(DateTimeOffset t, int pid, bool classic) => classic
        ? t.ToString("MMM ", CultureInfo.InvariantCulture) + t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) +
          t.ToString(" HH:mm:ss", CultureInfo.InvariantCulture) + $" pbx sshd[{pid}]: "
        : t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture) + $" pbx sshd[{pid}]: ";

    private static void Shuffle<T>(List<T> list, Random rng)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
