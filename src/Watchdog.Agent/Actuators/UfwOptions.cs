namespace Watchdog.Agent.Actuators;

/// <summary>Settings of <see cref="UfwFirewall"/>.</summary>
public sealed record UfwOptions
{
    /// <summary>Path of the ufw executable (tests point it at a stand-in script).</summary>
    public string ExecutablePath { get; set; } = "/usr/sbin/ufw";

    /// <summary>Prefix of the rule comment, so our rules are recognisable in <c>ufw status</c>.</summary>
    public string CommentPrefix { get; set; } = "watchdog";

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ExecutablePath) || !Path.IsPathFullyQualified(ExecutablePath))
        {
            problems.Add($"{nameof(ExecutablePath)} must be an absolute path (was '{ExecutablePath}').");
        }

        if (FirewallComment.Sanitize(CommentPrefix) != CommentPrefix || CommentPrefix.Length == 0)
        {
            problems.Add($"{nameof(CommentPrefix)} must be non-empty and use only letters, digits, '-', '_', '.', ':' and spaces.");
        }

        return problems;
    }
}
