using System.Security.Cryptography;
using System.Text;

namespace Watchdog.Agent.Fleet;

/// <summary>HMAC-SHA256 signatures of <see cref="FleetDecision.Canonical"/> with the fleet key.</summary>
public sealed class FleetSigner
{
    /// <summary>The shortest key accepted.</summary>
    public const int MinKeyBytes = 32;

    private readonly byte[] _key;

    /// <summary>Creates a signer over <paramref name="key"/> (at least <see cref="MinKeyBytes"/> bytes).</summary>
    public FleetSigner(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"The fleet key must hold at least {MinKeyBytes} bytes.", nameof(key));
        }

        _key = key;
    }

    /// <summary>The key file's bytes without a trailing newline (so <c>openssl rand -base64 48 &gt; file</c> works as is).</summary>
    public static byte[] ReadKey(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var length = bytes.Length;
        while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r')
        {
            length--;
        }

        return bytes[..length];
    }

    /// <summary>The signature (64 lower-case hex digits).</summary>
    public string Sign(FleetDecision decision) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(decision.Canonical())));

    /// <summary>True when <paramref name="signature"/> is this key's signature of <paramref name="decision"/> (constant-time compare).</summary>
    public bool Verify(FleetDecision decision, string signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(decision.Canonical()));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
