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

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public AmiNameTable() => _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxNameLength || !Ascii.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[utf8.Length];
        Ascii.ToUtf16(utf8, chars, out _);
        if (_lookup.TryGetValue(chars, out var name))
        {
            return name;
        }

        name = new string(chars);
        return _names.Count < MaxEntries ? _names.GetOrAdd(name, name) : name;
    }
}
