using System.CommandLine;
using System.CommandLine.Parsing;

namespace Watchdog.Cli;

/// <summary>Options several commands share, each parsed and checked in one place.</summary>
internal static class CommonOptions
{
    public static Option<Uri> Url() => new("--url")
    {
        HelpName = "URL",
        Description = $"the agent's API (default {AgentClient.DefaultUrl}, its Api:ListenUrl)",
        DefaultValueFactory = _ => new Uri(AgentClient.DefaultUrl + "/"),
        CustomParser = r => Parse<Uri>(r, AgentClient.TryParseUrl, $"is not an http URL (e.g. {AgentClient.DefaultUrl})"),
    };

    public static Option<string?> Config(string description) => new("--config")
    {
        HelpName = "FILE",
        Description = description,
    };

    public static Option<bool> Json(string description = "print JSON instead of text, for scripts") => new("--json") { Description = description };

    /// <summary>A duration as operators write it: 30s, 5m, 2h, 1d or hh:mm:ss; positive.</summary>
    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        HelpName = "D",
        Description = description,
        CustomParser = r => Parse<TimeSpan?>(r, TryPositiveDuration, "is not a duration (try 90s, 30m, 2h or 1d)"),
    };

    private static bool TryPositiveDuration(string text, out TimeSpan? value)
    {
        value = null;
        if (!Durations.TryParse(text, out var d) || d <= TimeSpan.Zero) return false;
        value = d;
        return true;
    }

    internal delegate bool TryParser<T>(string text, out T value);

    internal static T Parse<T>(ArgumentResult result, TryParser<T> parser, string complaint)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (parser(text, out var value)) return value;
        var name = result.Parent is OptionResult o ? o.Option.Name + " " : "";
        result.AddError($"{name}'{text}' {complaint}");
        return default!;
    }
}
