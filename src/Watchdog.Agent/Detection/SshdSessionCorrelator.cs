using System.Net;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Joins the sshd lines of one connection the way fail2ban's sshd filter does in normal mode, without ever letting
/// one connection's facts reach another. A pid is not an identity: sshd pids are reused, so a session is one
/// connection on a pid and is replaced by a new one as soon as a line on that pid
/// <list type="bullet">
/// <item>names a different address than the session's,</item>
/// <item>follows the session's end (<c>Connection closed</c>, <c>Disconnected from</c>, <c>Received disconnect</c>,
/// <c>Accepted …</c>: those lines forget the session),</item>
/// <item>is one sshd logs first in a connection (<c>account is locked</c>) while the session already has a user,</item>
/// <item>names no address but a different user than the session's, or (while the session still waits for its
/// address) is a login or the end of a logged-in session: OpenSSH drops a connection that changes user, and a
/// connection whose failure came before any address (a locked account) never logs in, so such a line is another
/// connection (a line with the session's own address and another user is fail2ban's "several users" case below),</item>
/// <item>arrives more than <see cref="IdleTimeout"/> after the session's last line.</item>
/// </list>
/// Within one connection:
/// <list type="bullet">
/// <item>a failure without an address (<c>Disconnecting: Too many authentication failures</c>, <c>account is locked</c>)
/// takes the connection's address, or waits for the connection's next line that names it;</item>
/// <item>"no-failure" lines (pam_unix failure, wrong key of a valid user, a successful login) become failures once
/// the connection has tried more than one user name — an intruder cannot wash failures with a success.</item>
/// </list>
/// Not thread-safe: one instance per line source. At most <see cref="Capacity"/> sessions are kept.
/// </summary>
public sealed class SshdSessionCorrelator
{
    /// <summary>Default idle time after which a session is forgotten: above sshd's default LoginGraceTime (120 s).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(5);

    private readonly Dictionary<int, Session> _sessions = [];
    private readonly TimeProvider _time;
    private readonly long _idleTicks;
    private long _sequence;

    /// <summary>Creates a correlator on the system clock that remembers at most <paramref name="capacity"/> sessions.</summary>
    public SshdSessionCorrelator(int capacity = 4096)
        : this(TimeProvider.System, capacity)
    {
    }

    /// <summary>
    /// Creates a correlator whose sessions expire <paramref name="idleTimeout"/> (default <see cref="DefaultIdleTimeout"/>)
    /// after their last line on <paramref name="time"/>; at most <paramref name="capacity"/> sessions are kept.
    /// </summary>
    public SshdSessionCorrelator(TimeProvider time, int capacity = 4096, TimeSpan? idleTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        var idle = idleTimeout ?? DefaultIdleTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero);
        _time = time;
        Capacity = capacity;
        IdleTimeout = idle;
        _idleTicks = (long)(idle.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Most sessions kept; when it is reached, expired sessions go first, then the least recently used half.</summary>
    public int Capacity { get; }

    /// <summary>A session without lines for this long is over.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>Sessions currently remembered (expired ones may still be counted until they are swept).</summary>
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

        var now = _time.GetTimestamp();
        if (_sessions.TryGetValue(record.Pid, out var session) && !session.SameConnection(record, now, _idleTicks))
        {
            _sessions.Remove(record.Pid);
            session = null;
        }

        if (session is null && record.Forget)
        {
            // A connection seen only in its last line: nothing to remember, nothing pending.
            return record.Verdict == SshdVerdict.Failure ? record.Address : null;
        }

        var fresh = session is null;
        session ??= new Session();
        var severalUsers = session.AddUser(record.UserHash);
        session.Address = record.Address ?? session.Address;
        session.LastSeen = now;
        session.Sequence = ++_sequence;
        var pending = session.Pending;
        session.Pending = false;
        if (record.Forget)
        {
            _sessions.Remove(record.Pid);
        }
        else if (fresh)
        {
            Add(record.Pid, session, now);
        }

        var noFailure = record.Verdict == SshdVerdict.NoFailure && !pending && !severalUsers;
        if (noFailure)
        {
            return null;
        }

        if (session.Address is null)
        {
            // Only a failure waits for its address; a forgotten session has nobody to give it to.
            session.Pending = !record.Forget;
            return null;
        }

        return session.Address;
    }

    private void Add(int pid, Session session, long now)
    {
        if (_sessions.Count >= Capacity)
        {
            foreach (var (key, value) in _sessions)
            {
                if (now - value.LastSeen > _idleTicks)
                {
                    _sessions.Remove(key);
                }
            }
        }

        if (_sessions.Count >= Capacity)
        {
            // The least recently used half goes (by line order: a backlog read at one instant has one timestamp).
            var cutoff = _sequence - (Capacity / 2);
            foreach (var (key, value) in _sessions)
            {
                if (value.Sequence <= cutoff)
                {
                    _sessions.Remove(key);
                }
            }
        }

        _sessions[pid] = session;
    }

    private sealed class Session
    {
        private int _firstUser;
        private bool _severalUsers;

        public IPAddress? Address { get; set; }

        /// <summary>A failure was seen before any address of this connection.</summary>
        public bool Pending { get; set; }

        public long LastSeen { get; set; }

        public long Sequence { get; set; }

        /// <summary>Whether <paramref name="record"/>, on this session's pid, belongs to this same connection.</summary>
        public bool SameConnection(in SshdRecord record, long now, long idleTicks)
        {
            if (now - LastSeen > idleTicks)
            {
                return false;
            }

            if (record.Opens && _firstUser != 0)
            {
                // Only "Connection from" (no user yet) may come before a connection's first line.
                return false;
            }

            if (record.Address is not null && Address is not null)
            {
                return record.Address.Equals(Address);
            }

            var otherUser = record.UserHash != 0 && _firstUser != 0 && record.UserHash != _firstUser;
            if (Address is null)
            {
                // Waiting for an address: another user name, a login or a logged-in session's end is another connection.
                return !otherUser && !record.Gained && !record.AfterLogin;
            }

            // An address-less line on a known connection: a different user is a different connection.
            return !otherUser;
        }

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
                    _severalUsers = true;
                }
            }

            return _severalUsers;
        }
    }
}
