using System.Globalization;
using System.Net;
using Watchdog.Agent.Security;
using Watchdog.Cli;
using Watchdog.Agent.Detection;

namespace Watchdog;

/// <summary><c>watchdog bans list|add IP [--for D]|remove IP [--url URL]</c>: the running agent's bans.</summary>
internal static class BansCommand
{
    public const string Help = """
        usage: watchdog bans list [--url URL]
               watchdog bans add IP [--for D] [--url URL]
               watchdog bans remove IP [--url URL]

        Lists, adds or lifts bans through the running agent (its /api/bans), which drives ufw and
        remembers bans across restarts. Whitelisted addresses (Security:Whitelist) are never banned.
        D is how long the ban lasts, such as 30m, 2h or 1d (default: the configured Security:Bans:BanTime).
        URL defaults to http://127.0.0.1:9105.

        exit codes: 0 done; 1 the agent refused (whitelisted, firewall failed, not banned, bans disabled);
        2 the agent is not reachable or the command line is wrong.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken ct = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        if (args.Length == 0) throw new UsageException("bans: say list, add IP or remove IP");

        var url = new Uri(AgentClient.DefaultUrl);
        TimeSpan? duration = null;
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url" when i + 1 < args.Length: url = AgentClient.ParseUrl(args[++i]); break;
                case "--for" when i + 1 < args.Length:
                    if (!Durations.TryParse(args[++i], out var d) || d <= TimeSpan.Zero)
                        throw new UsageException($"bans: --for '{args[i]}' is not a duration (try 30m, 2h or 1d)");
                    duration = d;
                    break;
                case "-h" or "--help": await output.WriteLineAsync(Help); return 0;
                case var a when a.StartsWith('-'): throw new UsageException($"bans: unexpected option '{a}'");
                default: positional.Add(args[i]); break;
            }
        }

        var verb = positional[0];
        var (expected, needsIp) = verb switch
        {
            "list" => (1, false),
            "add" or "remove" => (2, true),
            _ => throw new UsageException($"bans: unknown subcommand '{verb}' (list, add or remove)"),
        };
        if (needsIp && positional.Count < 2) throw new UsageException($"bans {verb}: which IP address?");
        if (positional.Count > expected) throw new UsageException($"bans {verb}: unexpected argument '{positional[expected]}'");
        if (duration is not null && verb != "add") throw new UsageException($"bans {verb}: --for only goes with add");
        IPAddress? ip = null;
        // Strict: IPAddress.TryParse would take "1.2.3" for 1.2.0.3 and ban the wrong host.
        if (needsIp && !IpLiteral.TryParse(positional[1], out ip))
            throw new UsageException($"bans {verb}: '{positional[1]}' is not an IP address (like 203.0.113.9 or 2001:db8::1)");

        using var client = new AgentClient(url, TimeSpan.FromSeconds(30));
        try
        {
            return verb switch
            {
                "list" => await ListAsync(client, output, ct),
                "add" => await AddAsync(client, ip!, duration, output, error, ct),
                _ => await RemoveAsync(client, ip!, output, error, ct),
            };
        }
        catch (AgentUnreachableException e)
        {
            await error.WriteLineAsync($"watchdog: {e.Message}");
            return 2;
        }
        catch (AgentRefusedException e)
        {
            await error.WriteLineAsync($"watchdog: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> ListAsync(AgentClient client, TextWriter output, CancellationToken ct)
    {
        var bans = await client.ListBansAsync(ct);
        if (bans.Count == 0)
        {
            await output.WriteLineAsync("no active bans");
            return 0;
        }
        var width = Math.Max("ADDRESS".Length, bans.Max(b => b.Address.Length));
        await output.WriteLineAsync($"{"ADDRESS".PadRight(width)}  {"UNTIL (UTC)",-20}  {"SOURCE",-8}  {"OFFENCE",7}  REASON");
        foreach (var b in bans)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{b.Address.PadRight(width)}  {b.Until.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss}  {b.Source.ToString().ToLowerInvariant(),-8}  {b.Offence,7}  {b.Reason}"));
        }
        return 0;
    }

    private static async Task<int> AddAsync(AgentClient client, IPAddress ip, TimeSpan? duration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var result = await client.BanAsync(ip, duration, ct);
        switch (result)
        {
            case BanResult.Banned:
                await output.WriteLineAsync($"banned {ip}" + (duration is { } d ? $" for {StatusRenderer.Span(d)}" : " for the configured ban time"));
                return 0;
            case BanResult.AlreadyBanned:
                await output.WriteLineAsync($"{ip} is already banned");
                return 0;
            case BanResult.Whitelisted:
                await error.WriteLineAsync($"watchdog: {ip} is whitelisted (Security:Whitelist, loopback or this host) and is never banned");
                return 1;
            default:
                await error.WriteLineAsync($"watchdog: the firewall did not take the ban of {ip} (see the agent's log)");
                return 1;
        }
    }

    private static async Task<int> RemoveAsync(AgentClient client, IPAddress ip, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (await client.UnbanAsync(ip, ct))
        {
            await output.WriteLineAsync($"unbanned {ip}");
            return 0;
        }
        await error.WriteLineAsync($"watchdog: {ip} is not banned (or the firewall refused to lift it)");
        return 1;
    }
}
