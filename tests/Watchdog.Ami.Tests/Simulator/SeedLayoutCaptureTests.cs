using System.Net.Sockets;
using System.Text;
using Watchdog.Simulator;

namespace Watchdog.Ami.Tests.Simulator;

/// <summary>
/// The simulator playing the operators' layout answers with the field names, in the order, of the bytes a
/// real Asterisk 22.10.1 sent (Fixtures/ami-transcripts/seed-layout/30-session-all.txt). Where they disagree,
/// the capture wins: these tests fail until the simulator is fixed.
/// </summary>
public class SeedLayoutCaptureTests
{
    private static readonly string[] ComparedActions = ["cap-03", "cap-04", "cap-05", "cap-06", "cap-09", "cap-10", "cap-11", "cap-13", "cap-14", "cap-20"];

    [Fact(Timeout = 30_000)]
    public async Task Simulator_replies_have_the_captured_field_names_in_the_captured_order()
    {
        var (captured, simulated) = await PlayCaptureAgainstSimulatorAsync();

        foreach (var id in ComparedActions)
        {
            Assert.NotEmpty(Shape(captured, id));
            Assert.Equal(Shape(captured, id), Shape(simulated, id));
        }
        foreach (var ev in new[] { "FullyBooted", "Registry", "Reload" })
        {
            Assert.Equal(FirstEventShape(captured, ev), FirstEventShape(simulated, ev));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Simulator_lists_the_provider_trunk_and_the_phone_without_contacts_as_Asterisk_does()
    {
        var (captured, simulated) = await PlayCaptureAgainstSimulatorAsync();

        Assert.Equal(Endpoints(captured), Endpoints(simulated));
        Assert.Contains(("mango-trunk", "", "Unavailable"), Endpoints(simulated));
        Assert.Contains(("6001", "", "Unavailable"), Endpoints(simulated));
        // PJSIPShowContacts lists only dynamic contacts: with a fixed voice-AI contact and nobody registered, none.
        Assert.Equal("No Contacts found", simulated.Single(m => m.ActionId == "cap-09")["Message"]);
        Assert.Equal("Reregistration sent", simulated.Single(m => m.ActionId == "cap-13")["Message"]);
        Assert.Equal("Module reloaded.", simulated.Single(m => m.ActionId == "cap-14")["Message"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Sustained_403_is_retried_every_forbidden_retry_interval_with_the_captured_log_line()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T18:34:38Z", System.Globalization.CultureInfo.InvariantCulture));
        var log = Path.Combine(Directory.CreateTempSubdirectory("sim-seed-").FullName, "messages");
        await using var sim = new AmiSimulator(SimulatedPbx.SeedLayout(), time) { MessagesLogPath = log, RetriesLikeAsterisk = true };
        sim.Start();

        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Forbids);
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
        }

        var lines = File.ReadAllLines(log);
        Assert.Equal(4, lines.Length);
        var capturedText = File.ReadLines(Path.Combine(Transcripts.Directory, "seed-layout", "90-asterisk-messages.log"))
            .First(l => l.Contains("403 Forbidden", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.EndsWith(capturedText[capturedText.IndexOf("res_pjsip_outbound_registration.c", StringComparison.Ordinal)..], l, StringComparison.Ordinal));
        Assert.Equal("Rejected", sim.Pbx.Registration("mango-registration").Status);

        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Accepts);
        time.Advance(TimeSpan.FromSeconds(10)); // the next retry is accepted, as at 64 s in the capture
        Assert.Equal("Registered", sim.Pbx.Registration("mango-registration").Status);
    }

    private static List<(string Head, string Keys)> Shape(List<AmiMessage> messages, string id) =>
        messages.Where(m => m.ActionId == id).Select(m => (Head(m), string.Join(",", m.Enumerate().Select(h => h.Key)))).ToList();

    private static string FirstEventShape(List<AmiMessage> messages, string name) =>
        string.Join(",", messages.First(m => m.EventName == name).Enumerate().Select(h => h.Key));

    private static List<(string Name, string Contacts, string DeviceState)> Endpoints(List<AmiMessage> messages) =>
        messages.Where(m => m.ActionId == "cap-06" && m.EventName == "EndpointList")
            .Select(m => (m["ObjectName"]!, m["Contacts"]!, m["DeviceState"]!)).ToList();

    private static string Head(AmiMessage m) => m.EventName.Length > 0 ? "Event: " + m.EventName : "Response: " + m["Response"];

    /// <summary>Sends the captured session's actions (plain login instead of the lab's MD5 key) and returns both sides parsed.</summary>
    private static async Task<(List<AmiMessage> Captured, List<AmiMessage> Simulated)> PlayCaptureAgainstSimulatorAsync()
    {
        var captured = Transcripts.ParseAll(Transcripts.Bytes(Path.Combine("seed-layout", "30-session-all.txt")), out _);
        var sent = Encoding.ASCII.GetString(Transcripts.Bytes(Path.Combine("seed-layout", "30-session-all.sent.txt")))
            .Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(a => a.Split("\r\n").Single(l => l.StartsWith("ActionID: ", StringComparison.Ordinal))["ActionID: ".Length..], a => a + "\r\n\r\n");

        await using var sim = new AmiSimulator(SimulatedPbx.SeedLayout());
        sim.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(sim.Host, sim.Port);
        var received = new MemoryStream();
        var reading = ReadToEndAsync(socket, received);

        await SendAsync(socket, "Action: Login\r\nUsername: watchdog\r\nSecret: watchdog-secret\r\nEvents: on\r\nActionID: cap-02\r\n\r\n");
        foreach (var id in new[] { "cap-03", "cap-04", "cap-05", "cap-06", "cap-09", "cap-10", "cap-11" })
        {
            await SendAsync(socket, sent[id]);
        }
        await WaitForAsync(received, "CoreShowChannelsComplete");
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Forbids);
        await SendAsync(socket, sent["cap-13"]);
        await WaitForAsync(received, "Reregistration sent");
        await SendAsync(socket, sent["cap-14"]);
        await WaitForAsync(received, "Event: Reload");
        await SendAsync(socket, sent["cap-20"]);
        await reading.WaitAsync(TimeSpan.FromSeconds(10));

        var simulated = Transcripts.ParseAll(received.ToArray(), out _);
        return (captured, simulated);
    }

    private static Task SendAsync(Socket socket, string text) => socket.SendAsync(Encoding.ASCII.GetBytes(text));

    private static async Task ReadToEndAsync(Socket socket, MemoryStream into)
    {
        var buffer = new byte[8192];
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
        {
            lock (into) into.Write(buffer, 0, n);
        }
    }

    private static async Task WaitForAsync(MemoryStream received, string text)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            string so;
            lock (received) so = Encoding.ASCII.GetString(received.ToArray());
            if (so.Contains(text, StringComparison.Ordinal)) return;
            await Task.Delay(10, cts.Token);
        }
    }
}
