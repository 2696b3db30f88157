using Watchdog.Ami;
using Watchdog.Ami.Events;
using Watchdog.Simulator;

namespace Watchdog;

/// <summary>
/// <c>watchdog demo</c>: starts the built-in simulated Asterisk (the Mango/ElevenLabs trunk set-up),
/// connects the AMI client to it and plays a short story, printing each incident as the agent sees it.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(20);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--duration" when i + 1 < args.Length:
                    if (!Durations.TryParse(args[++i], out duration) || duration <= TimeSpan.Zero)
                        throw new UsageException($"--duration '{args[i]}' is not a duration (try 30s, 2m or 00:01:30)");
                    break;
                case "-h" or "--help":
                    Console.WriteLine("usage: watchdog demo [--duration D]\n\nRuns the AMI client against a built-in simulated Asterisk and prints what it sees.");
                    return 0;
                default:
                    throw new UsageException($"demo: unexpected argument '{args[i]}'");
            }
        }

        using var stop = new CancellationTokenSource(duration);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        await using var sim = new AmiSimulator();
        sim.Start();
        Console.WriteLine($"demo: simulated Asterisk {sim.Pbx.AsteriskVersion} listening on {sim.Host}:{sim.Port} (AMI)");
        await using var client = new AmiClient(new AmiClientOptions { Host = sim.Host, Port = sim.Port, Username = "watchdog", Secret = "watchdog-secret" });
        client.Subscribe(new ConsoleObserver());
        var run = client.RunAsync(stop.Token);
        try
        {
            await client.WaitUntilLoggedInAsync(stop.Token);
            var registrations = await client.SendAsync(AmiActions.PJSIPShowRegistrationsOutbound(), stop.Token);
            foreach (var r in registrations.Events.Select(OutboundRegistrationDetail.From).OfType<OutboundRegistrationDetail>())
                Console.WriteLine($"demo: registration {r.ObjectName} is {r.Status}");
            await StoryAsync(sim, client, stop.Token);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The demo's time is up.
        }
        await run;
        Console.WriteLine("demo: done");
        return 0;
    }

    private static async Task StoryAsync(AmiSimulator sim, AmiClient client, CancellationToken ct)
    {
        var step = TimeSpan.FromSeconds(1);
        await Task.Delay(step, ct);
        Console.WriteLine("demo: -- the registrar starts answering 403 Forbidden");
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Forbids);
        await Task.Delay(step, ct);
        Console.WriteLine("demo: -- the registrar is fixed; the watchdog re-registers");
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Accepts);
        (await client.SendAsync(AmiActions.PJSIPRegister("mango-registration"), ct)).EnsureSuccess();
        await Task.Delay(step, ct);
        Console.WriteLine("demo: -- elevenlabs-trunk stops answering OPTIONS, then comes back");
        sim.SetContactStatus("elevenlabs-trunk", "Unreachable");
        await Task.Delay(step, ct);
        sim.SetContactStatus("elevenlabs-trunk", "Reachable", 812);
        await Task.Delay(step, ct);
        Console.WriteLine("demo: -- two calls; one dies of RTP timeout");
        var ok = sim.StartCall();
        var silent = sim.StartCall();
        await Task.Delay(step, ct);
        sim.RtpTimeout(silent);
        sim.Hangup(ok);
        await Task.Delay(step, ct);
        Console.WriteLine("demo: -- a SIP brute force from 203.0.113.5");
        for (var i = 0; i < 3; i++)
            sim.EmitSecurity("InvalidAccountID", "PJSIP", "100" + i, "IPV4/UDP/203.0.113.5/5060");
    }

    private sealed class ConsoleObserver : IAmiEventObserver
    {
        public ValueTask OnEventAsync(AmiMessage m, CancellationToken ct)
        {
            var line = RegistryEvent.From(m) is { } r ? $"registration {r.Username} -> {r.Status}"
                : ContactStatusEvent.From(m) is { } c ? $"contact {c.EndpointName} {c.Uri} -> {c.ContactStatus}"
                : HangupEvent.From(m) is { } h ? $"hangup {h.Channel} cause {h.Cause} ({h.CauseText})"
                : NewchannelEvent.From(m) is { } n ? $"new channel {n.Channel}"
                : SecurityEvent.From(m) is { } s && s.EventName != "SuccessfulAuth" ? $"security {s.EventName} {s.Service} from {s.RemoteAddress}"
                : null;
            if (line is not null) Console.WriteLine($"event: {line}");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnConnectionStateChangedAsync(AmiConnectionStateChange change, CancellationToken ct)
        {
            Console.WriteLine($"ami: {change.State}{(change.Reason == AmiDisconnectReason.None ? "" : $" ({change.Reason})")}");
            return ValueTask.CompletedTask;
        }
    }
}
