namespace Watchdog.Agent.Actuators;

/// <summary>Makes free text safe to pass as a ufw rule comment.</summary>
public static class FirewallComment
{
    /// <summary>Longest comment we pass on.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Keeps letters, digits, space and <c>-_.:/</c>; everything else (quotes, newlines, control characters)
    /// becomes <c>_</c>. The result is one argv element anyway, so this is about what ufw stores and prints.
    /// </summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var length = Math.Min(text.Length, MaxLength);
        return string.Create(length, text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or ':' or '/' ? c : '_';
            }
        }).Trim();
    }
}
