using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Watchdog.Agent.Security;
using Watchdog.Cli;
using Watchdog.Agent.Detection;

namespace Watchdog;

/// <summary><c>watchdog bans list|add|remove|whitelist|failures</c>: the running agent's bans, through its /api/bans.</summary>
internal static class BansCommand
{
    private const string Epilog = """
        exit codes: 0 done; 1 the agent refused (whitelisted, firewall failed, not banned, bans disabled);
        2 the agent is not reachable; 64 the command line is wrong.
        """;

    public static Command Create(CliContext context)
    {
        var bans = new CliCommand("bans", """
            Lists, adds or lifts bans through the running agent (its /api/bans), which drives ufw and
            remembers bans across restarts. Whitelisted addresses (Security:Whitelist) are never banned.
            """) {
            Summary = "list, add or lift bans; the whitelist; who is close to a ban", Epilog = Epilog };
        bans.Subcommands.Add(List(context));
        bans.Subcommands.Add(Add(context));
        bans.Subcommands.Add(Remove(context));
        bans.Subcommands.Add(Whitelist(context));
        bans.Subcommands.Add(Failures(context));
        return bans;
    }

    /// <summary>Kept for callers that pass the arguments after <c>bans</c>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => Program.RunAsync(["bans", .. args], output, error);

    private static Argument<IPAddress> Address() => new("address")
    {
        HelpName = "IP",
        Description = "an IPv4 or IPv6 address, such as 203.0.113.9 or 2001:db8::1",
        // Strict: IPAddress.TryParse would take "1.2.3" for 1.2.0.3 and ban the wrong host.
        CustomParser = r => CommonOptions.Parse<IPAddress>(r, TryParseIp, "is not an IP address (like 203.0.113.9 or 2001:db8::1)"),
    };

    private static bool TryParseIp(string text, out IPAddress address)
    {
        var ok = IpLiteral.TryParse(text.AsSpan(), out var ip);
        address = ip!;
        return ok;
    }

    private static Command List(CliContext context)
    {
        var url = CommonOptions.Url();
        var json = CommonOptions.Json("print the agent's /api/bans list as JSON");
        var command = new CliCommand("list", "active bans (with their origin: this agent or a fleet peer), then who is close to a ban")
        { Options = { url, json }, Epilog = Epilog };
        command.SetAction((parse, ct) => Call(context, parse.GetValue(url)!, async client =>
        {
            var text = await client.GetJsonAsync("api/bans", ct);
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(Indent(text));
                return ExitCodes.Ok;
            }
            var list = JsonSerializer.Deserialize(text, CliJsonContext.Default.ListBanView) ?? [];
            if (list.Count == 0) await context.Output.WriteLineAsync("no active bans");
            else
            {
                var table = new TextTable("ADDRESS", "UNTIL (UTC)", "SOURCE", "ORIGIN", "OFFENCE", "REASON");
                foreach (var b in list)
                    table.Add(b.Address, StatusRenderer.Time(b.Until), b.Source.ToLowerInvariant(), b.Origin ?? "local", b.Offence.ToString(CultureInfo.InvariantCulture), b.Reason);
                table.Write(context.Output, StatusRenderer.Width(context.Terminal), context.Terminal);
            }
            if (await client.GetJsonOrNullAsync("api/bans/failures", ct) is { } failures)
                await WriteFailuresAsync(context, failures, heading: true);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Add(CliContext context)
    {
        var url = CommonOptions.Url();
        var ip = Address();
        var duration = CommonOptions.Duration("--for", "how long, such as 30m, 2h or 1d (default: Security:Bans:BanTime; the agent caps it at MaxBanTime)");
        var fleet = new Option<bool>("--fleet") { Description = "ban it on every agent of the fleet, not only this one" };
        var command = new CliCommand("add", "ban IP now; an address already banned gets the new end time")
        { Arguments = { ip }, Options = { duration, fleet, url }, Epilog = Epilog };
        command.SetAction((parse, ct) => Call(context, parse.GetValue(url)!, async client =>
        {
            var address = parse.GetValue(ip)!;
            var answer = await client.BanAsync(address, parse.GetValue(duration), parse.GetValue(fleet), ct);
            return await ReportBanAsync(context, address, parse.GetValue(duration), answer);
        }));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var url = CommonOptions.Url();
        var ip = Address();
        var command = new CliCommand("remove", "lift the ban on IP") { Arguments = { ip }, Options = { url }, Epilog = Epilog };
        command.SetAction((parse, ct) => Call(context, parse.GetValue(url)!, async client =>
        {
            var address = parse.GetValue(ip)!;
            if (await client.UnbanAsync(address, ct))
            {
                await context.Output.WriteLineAsync($"unbanned {address}");
                return ExitCodes.Ok;
            }
            context.Fail($"{address} is not banned (or the firewall refused to lift it)");
            return ExitCodes.Degraded;
        }));
        return command;
    }

    private static Command Whitelist(CliContext context)
    {
        var url = CommonOptions.Url();
        var json = CommonOptions.Json();
        var command = new CliCommand("whitelist", "what is never banned: the configured networks, loopback and this host's addresses")
        { Options = { url, json }, Epilog = Epilog };
        command.SetAction((parse, ct) => Call(context, parse.GetValue(url)!, async client =>
        {
            var text = await client.GetJsonAsync("api/bans/whitelist", ct);
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(Indent(text));
                return ExitCodes.Ok;
            }
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            await context.Output.WriteLineAsync("never banned: loopback (127.0.0.0/8, ::1)");
            foreach (var n in Strings(root, "networks")) await context.Output.WriteLineAsync($"  {n}  (Security:Whitelist:Networks)");
            if (root.TryGetProperty("includeHostAddresses", out var include) && include.ValueKind == JsonValueKind.False)
                await context.Output.WriteLineAsync("  this host's own addresses are NOT included (Security:Whitelist:IncludeHostAddresses=false)");
            foreach (var h in Strings(root, "hostAddresses")) await context.Output.WriteLineAsync($"  {h}  (this host)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Failures(CliContext context)
    {
        var url = CommonOptions.Url();
        var json = CommonOptions.Json();
        var command = new CliCommand("failures", "addresses with recent failures that are not banned yet: how close each is to MaxRetry")
        { Options = { url, json }, Epilog = Epilog };
        command.SetAction((parse, ct) => Call(context, parse.GetValue(url)!, async client =>
        {
            var text = await client.GetJsonAsync("api/bans/failures", ct);
            if (parse.GetValue(json)) await context.Output.WriteLineAsync(Indent(text));
            else await WriteFailuresAsync(context, text, heading: false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task WriteFailuresAsync(CliContext context, string text, bool heading)
    {
        using var doc = JsonDocument.Parse(text);
        var rows = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [];
        if (heading) await context.Output.WriteLineAsync();
        if (rows.Count == 0)
        {
            await context.Output.WriteLineAsync("close to a ban: nobody");
            return;
        }
        if (heading) await context.Output.WriteLineAsync("close to a ban");
        var table = new TextTable("ADDRESS", "SOURCE", "FAILURES", "WITHIN", "LAST FAILURE (UTC)");
        foreach (var r in rows)
        {
            var failures = Number(r, "failures");
            var max = Number(r, "maxRetry");
            var within = Number(r, "findTimeSeconds") is { } s ? StatusRenderer.Span(TimeSpan.FromSeconds(s)) : "";
            var last = r.TryGetProperty("lastFailureAt", out var at) && at.TryGetDateTimeOffset(out var t) ? StatusRenderer.Time(t) : "";
            table.Add(Text(r, "address"), Text(r, "source").ToLowerInvariant(),
                string.Create(CultureInfo.InvariantCulture, $"{failures}/{(max is { } m ? m.ToString(CultureInfo.InvariantCulture) : "?")}"), within, last);
        }
        table.Write(context.Output, StatusRenderer.Width(context.Terminal), context.Terminal);
    }

    private static async Task<int> ReportBanAsync(CliContext context, IPAddress ip, TimeSpan? asked, string answer)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(answer) ? "null" : answer);
        var root = doc.RootElement;
        // An older agent answers with the result's name; a newer one with an object that carries the real end time.
        var result = root.ValueKind == JsonValueKind.String ? root.GetString()
            : root.ValueKind == JsonValueKind.Object ? Text(root, "result") is { Length: > 0 } r ? r : Text(root, "outcome") : null;
        var until = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("until", out var u) && u.TryGetDateTimeOffset(out var t)
            ? $" until {StatusRenderer.Time(t)}" : "";
        // The agent's end time is the truth (it caps at MaxBanTime); an agent that does not send one gets what was asked.
        var banned = until.Length > 0 ? until : asked is { } d ? $" for {StatusRenderer.Span(d)}" : " for the configured ban time";
        switch (result)
        {
            case "Banned" or "banned":
                await context.Output.WriteLineAsync($"banned {ip}{banned}");
                return ExitCodes.Ok;
            case "AlreadyBanned" or "alreadyBanned" or "Extended" or "Updated":
                await context.Output.WriteLineAsync($"{ip} is already banned{(until.Length > 0 ? ", now" + until : "")}");
                return ExitCodes.Ok;
            case "Whitelisted" or "whitelisted":
                context.Fail($"{ip} is whitelisted (Security:Whitelist, loopback or this host) and is never banned (see 'watchdog bans whitelist')");
                return ExitCodes.Degraded;
            default:
                context.Fail($"the agent did not ban {ip}: {(result ?? answer)} (see the agent's log)");
                return ExitCodes.Degraded;
        }
    }

    internal static async Task<int> Call(CliContext context, Uri url, Func<AgentClient, Task<int>> action)
    {
        using var client = new AgentClient(url, TimeSpan.FromSeconds(30));
        try
        {
            return await action(client);
        }
        catch (AgentUnreachableException e)
        {
            context.Fail(e.Message);
            return ExitCodes.Unreachable;
        }
        catch (AgentRefusedException e)
        {
            context.Fail(e.Message);
            return ExitCodes.Degraded;
        }
        catch (JsonException e)
        {
            context.Fail($"{url} answered with something that is not the agent's JSON: {e.Message}");
            return ExitCodes.Unreachable;
        }
    }

    private static string Indent(string json) => CliOutputJsonContext.Indent(json);

    private static IEnumerable<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(e => e.ToString()).ToList() : [];

    private static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ToString() : "";

    private static double? Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetDouble(out var d) ? d : null;
}
