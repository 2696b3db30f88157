using System.Buffers;
using System.Text;
using Watchdog.Ami.Protocol;

namespace Watchdog.Ami;

/// <summary>
/// An AMI action to send: its name and headers in order. Names and values are checked when added,
/// so no value can smuggle a line break (and with it a second action) onto the wire.
/// <see cref="ToString"/> masks credentials.
/// </summary>
public sealed class AmiAction
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    /// <summary>Creates an action.</summary>
    /// <param name="name">The action name, e.g. <c>PJSIPShowEndpoints</c>.</param>
    public AmiAction(string name)
    {
        CheckToken(name, nameof(name));
        Name = name;
    }

    /// <summary>The action name.</summary>
    public string Name { get; }

    /// <summary>The headers after <c>Action</c> and <c>ActionID</c>, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Adds a header (repeats are allowed and kept in order).</summary>
    /// <exception cref="ArgumentException">The name is not a token, or the value holds CR, LF or NUL.</exception>
    public AmiAction Add(string name, string value)
    {
        CheckToken(name, nameof(name));
        if (name.Equals("ActionID", StringComparison.OrdinalIgnoreCase) || name.Equals("Action", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{name}' is set by the client.", nameof(name));
        }
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException($"The value of AMI header '{name}' contains a line break or NUL.", nameof(value));
        }
        _headers.Add(new(name, value));
        return this;
    }

    /// <summary>The action as it would be sent, credentials masked.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder().Append("Action: ").Append(Name).Append('\n');
        foreach (var (k, v) in _headers)
        {
            sb.Append(k).Append(": ").Append(SensitiveHeaders.IsSensitive(k) ? SensitiveHeaders.Mask : v).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes the action's wire form, ending with the empty line.</summary>
    internal void WriteTo(IBufferWriter<byte> writer, string actionId)
    {
        Write(writer, "Action", Name);
        Write(writer, "ActionID", actionId);
        foreach (var (k, v) in _headers)
        {
            Write(writer, k, v);
        }
        writer.Write("\r\n"u8);
    }

    private static void Write(IBufferWriter<byte> writer, string name, string value)
    {
        var size = Encoding.UTF8.GetMaxByteCount(name.Length + value.Length) + 4;
        var span = writer.GetSpan(size);
        var n = Encoding.UTF8.GetBytes(name, span);
        span[n++] = (byte)':';
        span[n++] = (byte)' ';
        n += Encoding.UTF8.GetBytes(value, span[n..]);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        writer.Advance(n);
    }

    private static void CheckToken(string token, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(token, paramName);
        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"'{token}' is not a valid AMI header or action name.", paramName);
            }
        }
    }
}
