using System.Collections.Concurrent;
using System.Text;

namespace Watchdog.Ami.Protocol;

/// <summary>
/// Turns the small, recurring set of event names into shared strings, so reading an event's name
/// allocates nothing after the first sighting. Bounded: past <see cref="MaxEntries"/> names it stops
/// caching rather than grow with whatever a peer sends.
/// </summary>
internal sealed class AmiNameTable
{
    private const int MaxEntries = 1024;
    private const int MaxNameLength = 128;

    private readonly ConcurrentDictionary<string, CacheEntry> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CacheEntry>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public AmiNameTable() => _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    // A direct-mapped cache in front of the dictionary: the hot path is one cheap hash and one
    // byte compare. Entries are immutable and replaced whole, so racing readers see a valid one.
    private readonly CacheEntry?[] _cache = new CacheEntry?[256];

    private sealed record CacheEntry(byte[] Utf8, string Name);

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }
        var slot = (utf8.Length * 31 + utf8[0] * 7 + utf8[^1] + utf8[utf8.Length >> 1] * 13) & 255;
        if (Volatile.Read(ref _cache[slot]) is { } hit && utf8.SequenceEqual(hit.Utf8))
        {
            return hit.Name;
        }
        if (utf8.Length > MaxNameLength || !Ascii.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[utf8.Length];
        Ascii.ToUtf16(utf8, chars, out _);
        if (!_lookup.TryGetValue(chars, out var entry))
        {
            var name = new string(chars);
            if (_names.Count >= MaxEntries)
            {
                return name;
            }
            entry = _names.GetOrAdd(name, static (n, bytes) => new CacheEntry(bytes, n), utf8.ToArray());
        }
        // One entry per name, made at its first sighting: two names that share a slot cost a
        // dictionary lookup when they alternate, never an allocation.
        Volatile.Write(ref _cache[slot], entry);
        return entry.Name;
    }
}
