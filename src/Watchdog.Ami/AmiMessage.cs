using System.Numerics;
using System.Buffers.Text;
using System.Text;
using Watchdog.Ami.Protocol;

namespace Watchdog.Ami;

/// <summary>What an AMI message is, read from its first header.</summary>
public enum AmiMessageKind
{
    /// <summary>Neither an event nor a response (garbage, or a protocol we do not know).</summary>
    Unknown,
    /// <summary>Starts with <c>Event:</c>.</summary>
    Event,
    /// <summary>Starts with <c>Response:</c>.</summary>
    Response,
}

/// <summary>
/// One AMI message: its bytes and an index of its headers, in the order they were sent (repeated
/// names such as <c>Output</c> or <c>Variable</c> are all kept). Header lookups compare UTF-8 bytes
/// case-insensitively, as Asterisk does; strings are made only for the values a caller asks for.
/// Credential values (<see cref="SensitiveHeaders"/>) are wiped when the message is read and read
/// back as <see cref="SensitiveHeaders.Mask"/>.
/// </summary>
/// <remarks>
/// Messages handed to an event handler are pooled: they are valid only until the handler returns.
/// Call <see cref="Clone"/> to keep one, or copy what you need (the typed events do).
/// </remarks>
public sealed class AmiMessage
{
    private static readonly AmiNameTable SharedNames = new();

    // Values that recur from a small set (a state, a status, an endpoint or AOR name): shared strings, apart from
    // the event names so that values cannot crowd names out of their bounded table.
    private static readonly AmiNameTable SharedSymbols = new();

    private byte[] _buffer = [];
    private int _length;
    internal HeaderRange[] Headers = new HeaderRange[16];
    private int _count;
    private readonly AmiNameTable _names;
    private string? _eventName;

    internal AmiMessage(AmiNameTable? names = null) => _names = names ?? SharedNames;

    /// <summary>The pool this message goes back to after dispatch, or null once it has escaped.</summary>
    internal AmiMessagePool? Pool { get; set; }

    /// <summary>A server reading actions (the simulator) must see credentials; a client never does.</summary>
    internal bool KeepCredentials { get; init; }

    /// <summary>Whether this is an event, a response or neither.</summary>
    public AmiMessageKind Kind { get; private set; }

    /// <summary>How many header lines the message has.</summary>
    public int Count => _count;

    /// <summary>The message's bytes as received (credential values wiped).</summary>
    public ReadOnlySpan<byte> Raw => _buffer.AsSpan(0, _length);

    /// <summary>The value of <c>Event</c> for an event, else an empty string. Shared, not allocated per message.</summary>
    public string EventName => _eventName ??= Kind == AmiMessageKind.Event ? _names.Get(ValueAt(0)) : string.Empty;

    /// <summary>The <c>ActionID</c>, if any.</summary>
    public string? ActionId => this["ActionID"];

    /// <summary>The first value of a header, or null. Credentials read as <see cref="SensitiveHeaders.Mask"/>.</summary>
    public string? this[string name] => TryFind(name, out var index) ? ValueString(index) : null;

    /// <summary>
    /// The first value of a header, or null, as a shared string when the value was seen before: for values from a
    /// small recurring set (<c>ChannelStateDesc</c>, <c>ContactStatus</c>, an endpoint name), read without allocating.
    /// Not for per-call values such as <c>Uniqueid</c>, which would only fill the bounded table.
    /// </summary>
    public string? Symbol(ReadOnlySpan<byte> name) =>
        TryGetValue(name, out var value) ? SharedSymbols.Get(value) : null;

    /// <summary>Parses one complete message from a buffer (a test fixture, a simulator's input).</summary>
    /// <exception cref="FormatException">The buffer holds no complete message.</exception>
    public static AmiMessage Parse(ReadOnlySpan<byte> bytes) =>
        TryParse(bytes, out var message, out _) ? message : throw new FormatException("No complete AMI message in the buffer.");

    /// <summary>Parses the first complete message from a buffer.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out AmiMessage message, out int consumed)
    {
        message = new AmiMessage();
        if (!AmiFrameParser.TryParse(bytes, ref message.Headers, out var count, out var start, out var length))
        {
            consumed = 0;
            return false;
        }
        message.Load(bytes.Slice(start, length), count);
        consumed = start + length;
        return true;
    }

    /// <summary>Whether this is an event with the given name (compared without allocating).</summary>
    public bool IsEvent(ReadOnlySpan<byte> eventName) =>
        Kind == AmiMessageKind.Event && Ascii.EqualsIgnoreCase(ValueAt(0), eventName);

    /// <summary>Finds the first header with this name.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < _count; i++)
        {
            ref readonly var h = ref Headers[i];
            if (h.NameLength == name.Length && !h.IsSynthesizedOutput &&
                Ascii.EqualsIgnoreCase(_buffer.AsSpan(h.NameStart, h.NameLength), name))
            {
                value = h.IsRedacted ? "***"u8 : _buffer.AsSpan(h.ValueStart, h.ValueLength);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Whether a header's value equals <paramref name="expected"/>, ignoring ASCII case.</summary>
    public bool ValueEquals(ReadOnlySpan<byte> name, ReadOnlySpan<byte> expected) =>
        TryGetValue(name, out var value) && Ascii.EqualsIgnoreCase(value, expected);

    /// <summary>Reads a header as a 64-bit integer.</summary>
    public bool TryGetInt64(ReadOnlySpan<byte> name, out long result)
    {
        result = 0;
        return TryGetValue(name, out var value) && Utf8Parser.TryParse(value, out result, out var used) && used == value.Length;
    }

    /// <summary>Reads a header as a number with an optional fraction (e.g. <c>Timestamp</c>).</summary>
    public bool TryGetDouble(ReadOnlySpan<byte> name, out double result)
    {
        result = 0;
        return TryGetValue(name, out var value) && Utf8Parser.TryParse(value, out result, out var used) && used == value.Length;
    }

    /// <summary>All values of a header, in order (several <c>Output</c> lines, for example).</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        List<string>? values = null;
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(name.Length, 256))];
        var n = Encoding.UTF8.GetBytes(name.AsSpan(0, Math.Min(name.Length, 256)), utf8);
        var key = utf8[..n];
        var isOutput = Ascii.EqualsIgnoreCase(key, "Output"u8);
        for (var i = 0; i < _count; i++)
        {
            ref readonly var h = ref Headers[i];
            var match = h.IsSynthesizedOutput
                ? isOutput
                : h.NameLength == key.Length && Ascii.EqualsIgnoreCase(_buffer.AsSpan(h.NameStart, h.NameLength), key);
            if (match)
            {
                (values ??= []).Add(ValueString(i));
            }
        }
        return values ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The headers in order, as strings (for display and tests; allocates).</summary>
    public IEnumerable<KeyValuePair<string, string>> Enumerate()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return new KeyValuePair<string, string>(NameString(i), ValueString(i));
        }
    }

    /// <summary>Copies the message so it can be kept after its handler returns.</summary>
    public AmiMessage Clone()
    {
        var copy = new AmiMessage(_names);
        copy.Headers = Headers.AsSpan(0, Math.Max(_count, 1)).ToArray();
        copy.Load(Raw, _count);
        return copy;
    }

    /// <summary>The message as text, one header a line; credentials masked.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(_length + 16);
        foreach (var (name, value) in Enumerate())
        {
            sb.Append(name).Append(": ").Append(value).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Takes the bytes of a frame whose headers were indexed into <see cref="Headers"/>.</summary>
    internal void Load(ReadOnlySpan<byte> frame, int headerCount)
    {
        if (_buffer.Length < frame.Length)
        {
            _buffer = new byte[Math.Max(512, (int)BitOperations.RoundUpToPowerOf2((uint)frame.Length))];
        }
        frame.CopyTo(_buffer);
        _length = frame.Length;
        _count = headerCount;
        _eventName = null;
        for (var i = 0; i < headerCount; i++)
        {
            ref readonly var h = ref Headers[i];
            if (h.IsRedacted && !KeepCredentials)
            {
                _buffer.AsSpan(h.ValueStart, h.ValueLength).Clear();
            }
        }
        Kind = headerCount == 0 || Headers[0].NameLength == 0 || Headers[0].IsSynthesizedOutput
            ? AmiMessageKind.Unknown
            : NameAt(0) switch
            {
                var n when Ascii.EqualsIgnoreCase(n, "Event"u8) => AmiMessageKind.Event,
                var n when Ascii.EqualsIgnoreCase(n, "Response"u8) => AmiMessageKind.Response,
                _ => AmiMessageKind.Unknown,
            };
    }

    /// <summary>Drops an oversized buffer before the message goes back to its pool.</summary>
    internal void Reset(int maxRetainedBytes)
    {
        if (_buffer.Length > maxRetainedBytes)
        {
            _buffer = [];
        }
        _length = 0;
        _count = 0;
        _eventName = null;
        Kind = AmiMessageKind.Unknown;
    }

    /// <summary>The unmasked value of a credential header, for a message read with <see cref="KeepCredentials"/>.</summary>
    internal byte[]? RawCredential(ReadOnlySpan<byte> name)
    {
        if (!KeepCredentials)
        {
            return null;
        }
        for (var i = 0; i < _count; i++)
        {
            ref readonly var h = ref Headers[i];
            if (!h.IsSynthesizedOutput && Ascii.EqualsIgnoreCase(NameAt(i), name))
            {
                return ValueAt(i).ToArray();
            }
        }
        return null;
    }

    private bool TryFind(string name, out int index)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(name.Length, 256))];
        var n = Encoding.UTF8.GetBytes(name.AsSpan(0, Math.Min(name.Length, 256)), utf8);
        var key = utf8[..n];
        for (var i = 0; i < _count; i++)
        {
            ref readonly var h = ref Headers[i];
            if (h.NameLength == key.Length && !h.IsSynthesizedOutput &&
                Ascii.EqualsIgnoreCase(_buffer.AsSpan(h.NameStart, h.NameLength), key))
            {
                index = i;
                return true;
            }
        }
        index = -1;
        return false;
    }

    private ReadOnlySpan<byte> NameAt(int i) => _buffer.AsSpan(Headers[i].NameStart, Headers[i].NameLength);

    private ReadOnlySpan<byte> ValueAt(int i) => _buffer.AsSpan(Headers[i].ValueStart, Headers[i].ValueLength);

    private string NameString(int i) =>
        Headers[i].IsSynthesizedOutput ? "Output" : _names.Get(NameAt(i));

    private string ValueString(int i) =>
        Headers[i].IsRedacted ? SensitiveHeaders.Mask : Encoding.UTF8.GetString(ValueAt(i));
}
