namespace Watchdog.Ami.Protocol;

/// <summary>Where one header's name and value sit inside a message's buffer.</summary>
internal readonly record struct HeaderRange(int NameStart, int NameLength, int ValueStart, int ValueLength, HeaderFlags Flags)
{
    public bool IsSynthesizedOutput => (Flags & HeaderFlags.OutputLine) != 0;
    public bool IsRedacted => (Flags & HeaderFlags.Redacted) != 0;
}

[Flags]
internal enum HeaderFlags : byte
{
    None = 0,
    /// <summary>A raw output line of a <c>Response: Follows</c> reply, exposed as an <c>Output</c> header.</summary>
    OutputLine = 1,
    /// <summary>A credential: its value bytes were wiped when the message was read.</summary>
    Redacted = 2,
}
