using System.Net;

namespace Watchdog.Agent.Tests.Security;

// The lines of one sshd connection of each kind, as OpenSSH logs them at LogLevel INFO, and what fail2ban counts.
internal static partial class AuthLogGenerator
{
    private static readonly string[] InvalidNames = ["admin", "oracle", "test", "ubuntu", "pi", "postgres", "git", "user1"];
    private static readonly string[] LegitNames = ["deploy", "alice", "backup", "ops"];

    private static Script Plan(ConnectionKind kind, IPAddress address, Random rng, IReadOnlyList<IPAddress> decoys)
    {
        var a = address.ToString();
        var port = rng.Next(1024, 65535);
        var key = $"SHA256:{Convert.ToBase64String(BitConverter.GetBytes(rng.NextInt64())).TrimEnd('=')}";
        // One account per legitimate client (the deploy host logs in as deploy): a second user name on the same
        // pid and address is, to fail2ban and to us, the same connection trying several users.
        var legit = LegitNames[address.GetAddressBytes().Sum(b => b) % LegitNames.Length];
        var s = new Script(kind, address);
        switch (kind)
        {
            case ConnectionKind.InvalidUser:
            case ConnectionKind.AddressLikeUser:
            {
                var user = kind == ConnectionKind.AddressLikeUser
                    ? (decoys.Count > 0 && rng.Next(2) == 0 ? decoys[rng.Next(decoys.Count)].ToString() : $"10.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(1, 255)}")
                    : InvalidNames[rng.Next(InvalidNames.Length)];
                s.Fail($"Invalid user {user} from {a} port {port}");
                for (var n = rng.Next(1, 4); n > 0; n--)
                {
                    s.Unmatched("pam_unix(sshd:auth): check pass; user unknown");
                    s.NoFail($"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={a}");
                    s.Fail($"Failed password for invalid user {user} from {a} port {port} ssh2");
                }

                if (rng.Next(2) == 0)
                {
                    s.Forget($"Connection closed by invalid user {user} {a} port {port} [preauth]");
                }
                else
                {
                    s.Forget($"Received disconnect from {a} port {port}:11: Bye Bye [preauth]");
                    s.Forget($"Disconnected from invalid user {user} {a} port {port} [preauth]");
                }

                break;
            }

            case ConnectionKind.RootBruteForce:
            {
                var n = rng.Next(1, 7);
                for (var k = 0; k < n; k++)
                {
                    s.NoFail($"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={a}  user=root");
                    s.Fail($"Failed password for root from {a} port {port} ssh2");
                }

                if (n == 6)
                {
                    s.Fail($"error: maximum authentication attempts exceeded for root from {a} port {port} ssh2 [preauth]");
                    s.Unmatched($"Disconnecting authenticating user root {a} port {port}: Too many authentication failures [preauth]");
                    s.Ends = false;
                }
                else
                {
                    s.Forget($"Connection closed by authenticating user root {a} port {port} [preauth]");
                }

                break;
            }

            case ConnectionKind.LockedAccount:
            {
                var user = rng.Next(2) == 0 ? "root" : LegitNames[rng.Next(LegitNames.Length)];
                s.PendingFail($"User {user} not allowed because account is locked");
                s.Unmatched($"input_userauth_request: invalid user {user} [preauth]");
                if (rng.Next(2) == 0)
                {
                    s.Forget($"Connection closed by authenticating user {user} {a} port {port} [preauth]");
                }
                else
                {
                    s.Forget($"Received disconnect from {a} port {port}:11: Bye Bye [preauth]");
                    s.Forget($"Disconnected from authenticating user {user} {a} port {port} [preauth]");
                }

                break;
            }

            case ConnectionKind.KeyUser:
                s.Forget($"Accepted publickey for {legit} from {a} port {port} ssh2: ED25519 {key}");
                Session(s, legit, a, port);
                break;

            case ConnectionKind.DisconnectByUser:
                if (rng.Next(2) == 0)
                {
                    s.Forget($"Received disconnect from {a} port {port}:11: Bye Bye [preauth]");
                    s.Forget($"Disconnected from authenticating user {legit} {a} port {port} [preauth]");
                }
                else
                {
                    s.Forget($"Accepted password for {legit} from {a} port {port} ssh2");
                    Session(s, legit, a, port);
                }

                break;

            case ConnectionKind.FailedKeyThenAccepted:
                s.NoFail($"Failed publickey for {legit} from {a} port {port} ssh2: RSA {key}");
                s.Forget($"Accepted publickey for {legit} from {a} port {port} ssh2: ED25519 {key}");
                Session(s, legit, a, port);
                break;

            case ConnectionKind.FailedKeyGaveUp:
                s.NoFail($"Failed publickey for {legit} from {a} port {port} ssh2: RSA {key}");
                s.Forget($"Connection closed by authenticating user {legit} {a} port {port} [preauth]");
                break;

            case ConnectionKind.FailedKeyTimedOut:
                s.NoFail($"Failed publickey for {legit} from {a} port {port} ssh2: RSA {key}");
                s.Unmatched($"fatal: Timeout before authentication for {a} port {port}");
                s.Ends = false;
                break;

            case ConnectionKind.Mistype:
                s.NoFail($"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={a}  user=alice");
                s.Fail($"Failed password for alice from {a} port {port} ssh2");
                s.Forget($"Accepted password for alice from {a} port {port} ssh2");
                Session(s, "alice", a, port);
                break;
        }

        return s;
    }

    private static void Session(Script s, string user, string a, int port)
    {
        s.Unmatched($"pam_unix(sshd:session): session opened for user {user}(uid=1001) by (uid=0)");
        s.Forget($"Received disconnect from {a} port {port}:11: disconnected by user");
        s.Forget($"Disconnected from user {user} {a} port {port}");
        s.Unmatched($"pam_unix(sshd:session): session closed for user {user}");
    }

    internal readonly record struct Line(string Text, bool Matched, bool Forget);

    internal sealed class Script(ConnectionKind kind, IPAddress address)
    {
        public ConnectionKind Kind { get; } = kind;

        public IPAddress Address { get; } = address;

        public List<Line> Lines { get; } = [];

        public int Failures { get; private set; }

        /// <summary>False when the connection's last line is one neither fail2ban nor we match (it never ends in the log).</summary>
        public bool Ends { get; set; } = true;

        public void Fail(string text)
        {
            Lines.Add(new Line(text, true, false));
            Failures++;
        }

        /// <summary>A failure without an address: counted against the address of the connection's next line.</summary>
        public void PendingFail(string text) => Fail(text);

        public void NoFail(string text) => Lines.Add(new Line(text, true, false));

        public void Forget(string text) => Lines.Add(new Line(text, true, true));

        public void Unmatched(string text) => Lines.Add(new Line(text, false, false));
    }
}
