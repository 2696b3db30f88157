using System.Net;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Joins sshd lines of one connection (same sshd pid) the way fail2ban's sshd filter does in normal mode:
/// <list type="bullet">
/// <item>a failure without an address (<c>Disconnecting: Too many authentication failures</c>, <c>account is locked</c>)
/// takes the address already seen for that pid, or waits for the next line that names it;</item>
/// <item>"no-failure" lines (pam_unix failure, wrong key of a valid user, a successful login) become failures once
/// the connection has tried more than one user name — an intruder cannot wash failures with a success;</item>
/// <item>closing or successful lines end the connection's state.</item>
/// </list>
/// Not thread-safe: one instance per line source. Memory is bounded by <see cref="Capacity"/>.
/// </summary>
public sealed class SshdSessionCorrelator
{
    private readonly Dictionary<int, Session> _sessions = [];
    private long _sequence;

    /// <summary>Creates a correlator that remembers at most <paramref name="capacity"/> open sshd sessions.</summary>
    public SshdSessionCorrelator(int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        Capacity = capacity;
    }

    /// <summary>Most sessions kept; the least recently seen half is dropped when it is reached.</summary>
    public int Capacity { get; }

    /// <summary>Sessions currently remembered.</summary>
    public int Count => _sessions.Count;

    /// <summary>Feeds one parsed line; returns the address to count a failure against, or null.</summary>
    public IPAddress? Process(in SshdRecord record)
    {
        if (record.Verdict == SshdVerdict.Ignore)
        {
            return null;
        }

        if (record.Pid < 0)
        {
            return record.Verdict == SshdVerdict.Failure ? record.Address : null;
        }

        var noFailure = record.Verdict == SshdVerdict.NoFailure;
        var sequence = ++_sequence;
        IPAddress? address;
        Session? session;
        var pending = false;
        var severalUsers = false;
        if (_sessions.TryGetValue(record.Pid, out session))
        {
            severalUsers = session.AddUser(record.UserHash);
            session.Address = record.Address ?? session.Address;
            session.LastSeen = sequence;
            address = session.Address;
            pending = session.Pending;
            session.Pending = false;
            if (record.Forget)
            {
                _sessions.Remove(record.Pid);
                session = null;
            }
        }
        else
        {
            address = record.Address;
            if (!record.Forget)
            {
                session = new Session { Address = address, LastSeen = sequence };
                session.AddUser(record.UserHash);
                Add(record.Pid, session);
            }
        }

        if (pending || severalUsers)
        {
            noFailure = false;
        }

        if (noFailure)
        {
            return null;
        }

        if (address is null)
        {
            session?.Pending = true;
            return null;
        }

        return address;
    }

    private void Add(int pid, Session session)
    {
        if (_sessions.Count >= Capacity)
        {
            var cutoff = _sequence - (Capacity / 2);
            foreach (var (key, value) in _sessions)
            {
                if (value.LastSeen < cutoff)
                {
                    _sessions.Remove(key);
                }
            }

            if (_sessions.Count >= Capacity)
            {
                _sessions.Clear();
            }
        }

        _sessions[pid] = session;
    }

    private sealed class Session
    {
        private int _firstUser;

        public IPAddress? Address { get; set; }

        public bool Pending { get; set; }

        public long LastSeen { get; set; }

        public bool SeveralUsers { get; private set; }

        /// <summary>Returns true once two different user names were seen.</summary>
        public bool AddUser(int userHash)
        {
            if (userHash != 0)
            {
                if (_firstUser == 0)
                {
                    _firstUser = userHash;
                }
                else if (_firstUser != userHash)
                {
                    SeveralUsers = true;
                }
            }

            return SeveralUsers;
        }
    }
}
