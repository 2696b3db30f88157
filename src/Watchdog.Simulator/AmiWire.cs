using System.Text;

namespace Watchdog.Simulator;

/// <summary>Builds one AMI message the way Asterisk writes it: <c>Name: value</c> lines ending in CRLF, then an empty line.</summary>
public sealed class AmiWire
{
    private readonly StringBuilder _text = new(256);

    /// <summary>Appends a header line.</summary>
    public AmiWire Add(string name, string? value)
    {
        _text.Append(name).Append(": ").Append(value).Append("\r\n");
        return this;
    }

    /// <summary>Appends <c>ActionID</c> when there is one (Asterisk omits it when the action had none).</summary>
    public AmiWire ActionId(string? actionId) => actionId is null ? this : Add("ActionID", actionId);

    /// <summary>Appends raw text (for quirks such as a bare LF).</summary>
    public AmiWire Raw(string text)
    {
        _text.Append(text);
        return this;
    }

    /// <summary>The message's text including the terminating empty line.</summary>
    public override string ToString() => _text + "\r\n";

    /// <summary>The message's bytes including the terminating empty line.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    /// <summary>An event with its <c>Privilege</c> line.</summary>
    public static AmiWire Event(string name, string privilege) => new AmiWire().Add("Event", name).Add("Privilege", privilege);

    /// <summary>A response header block.</summary>
    public static AmiWire Response(string status, string? actionId) => new AmiWire().Add("Response", status).ActionId(actionId);
}
