using System.Text.Json;
using Watchdog.Agent.Api;
using Watchdog.Cli;

namespace Watchdog;

/// <summary><c>watchdog status [--url URL] [--json]</c>: what the running agent sees.</summary>
internal static class StatusCommand
{
    public const string Help = """
        usage: watchdog status [--url URL] [--json]

        Asks the running agent (GET URL/api/status) what it sees: AMI link, Asterisk version and
        uptime, registrations (with the last failure cause), endpoints and contact round-trip times,
        channels per trunk, active bans, the last actions, and whether healing is a dry run.
        URL defaults to http://127.0.0.1:9105 (the agent's Api:ListenUrl).
        --json prints the agent's document as it is (indented), for scripts.

        exit codes: 0 healthy; 1 degraded (AMI down, a registration not registered, or an endpoint
        with unreachable contacts); 2 the agent is not reachable or the command line is wrong.
        """;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken ct = default)
    {
        output ??= Console.Out;
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        error ??= Console.Error;
        var url = new Uri(AgentClient.DefaultUrl);
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url" when i + 1 < args.Length: url = AgentClient.ParseUrl(args[++i]); break;
                case "--json": json = true; break;
                case "-h" or "--help": await output.WriteLineAsync(Help); return 0;
                default: throw new UsageException($"status: unexpected argument '{args[i]}'");
            }
        }

        using var client = new AgentClient(url, TimeSpan.FromSeconds(10));
        string text;
        try
        {
            text = await client.StatusJsonAsync(ct);
        }
        catch (Exception e) when (e is AgentUnreachableException or AgentRefusedException)
        {
            await error.WriteLineAsync($"watchdog: {e.Message}");
            return 2;
        }

        StatusDocument? status;
        try
        {
            status = JsonSerializer.Deserialize<StatusDocument>(text, AgentClient.Json);
        }
        catch (JsonException e)
        {
            await error.WriteLineAsync($"watchdog: {url} did not answer with a watchdog status document: {e.Message}");
            return 2;
        }
        if (status is null)
        {
            await error.WriteLineAsync($"watchdog: {url} answered with an empty status document");
            return 2;
        }

        var problems = StatusHealth.Problems(status);
        if (json)
        {
            using var document = JsonDocument.Parse(text);
            await output.WriteLineAsync(JsonSerializer.Serialize(document.RootElement, Indented));
        }
        else
        {
            StatusRenderer.Render(StatusRenderer.ConsoleFor(output, terminal), status, problems);
        }
        return problems.Count == 0 ? 0 : 1;
    }
}
