using Microsoft.Extensions.Logging.Testing;
using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Tests.Healing;
using Watchdog.Ami;
using Watchdog.Simulator;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// The recorder against the simulator over real AMI: the simulator's hook sees the CLI commands and, like Asterisk
/// with the pjsip logger on, the test writes SIP packets to the messages log during the window. The recorder's
/// clock is fake; only AMI runs on real time.
/// </summary>
public sealed class SipEvidenceRecorderTests : IAsyncLifetime
{
    private const string Host = "81.88.86.41";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("watchdog-evidence-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingAlerts _alerts = new();
    private readonly ConcurrentQueue<(string Command, DateTimeOffset At)> _commands = new();
    private readonly CancellationTokenSource _stop = new();
    private AmiSimulator _sim = null!;
    private AmiClient _client = null!;
    private Task _clientRun = Task.CompletedTask;
    private readonly TaskCompletionSource _loggerOn = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string Log => Path.Combine(_work.FullName, "messages");

    public async Task InitializeAsync()
    {
        File.WriteAllText(Log, "[2026-11-26 07:59:00.000] NOTICE[1] res_pjsip_logger.c: written before the window\nAuthorization: Digest response=\"old\"\n");
        _sim = new AmiSimulator { MessagesLogPath = Log };
        _sim.ActionHook = (action, m) =>
        {
            if (action.Equals("Command", StringComparison.OrdinalIgnoreCase) && m["Command"] is { } command && command.StartsWith("pjsip set logger", StringComparison.Ordinal))
            {
                _commands.Enqueue((command, _time.GetUtcNow()));
                if (command != "pjsip set logger off")
                {
                    _loggerOn.TrySetResult();
                }
                return AmiWire.Response("Success", m["ActionID"]).Add("Message", "Command output follows")
                    .Add("Output", command == "pjsip set logger off" ? "PJSIP Logging disabled" : $"PJSIP Logging enabled for host: {Host}");
            }
            return null;
        };
        _sim.Start();
        _client = new AmiClient(new AmiClientOptions { Host = _sim.Host, Port = _sim.Port, Secret = "watchdog-secret", ActionTimeout = TimeSpan.FromSeconds(5) });
        _clientRun = _client.RunAsync(_stop.Token);
        await _client.WaitUntilLoggedInAsync(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _clientRun.ContinueWith(_ => { }, TaskScheduler.Default);
        await _client.DisposeAsync();
        await _sim.DisposeAsync();
        _stop.Dispose();
        _work.Delete(recursive: true);
    }

    private SipEvidenceRecorder Recorder(EvidenceOptions? options = null) =>
        new(options ?? new EvidenceOptions(), Log, new AmiAsteriskCli(_client, new FakeLogger<AmiAsteriskCli>()), _alerts, _time, new FakeLogger<SipEvidenceRecorder>());

    /// <summary>Advances the fake clock a second at a time until the capture ends (the delay's timer may not exist yet).</summary>
    private async Task<TrunkEvidence?> Finish(Task<TrunkEvidence?> capture)
    {
        while (!capture.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(capture, Task.Delay(10));
        }
        return await capture;
    }

    private static string[] Register(int cseq) =>
    [
        $"[2026-11-26 08:00:0{cseq % 10}.000] VERBOSE[12] res_pjsip_logger.c: <--- Transmitting SIP request (512 bytes) to UDP:{Host}:5060 --->",
        $"REGISTER sip:{Host} SIP/2.0",
        $"CSeq: {cseq} REGISTER",
        "Authorization: Digest username=\"pbx-user\", realm=\"mango\", nonce=\"n0nce\", uri=\"sip:mango\", response=\"0123456789abcdef\"",
        "Proxy-Authorization: Digest username=\"pbx-user\", response=\"fedcba9876543210\"",
        "",
        $"[2026-11-26 08:00:0{cseq % 10}.100] VERBOSE[12] res_pjsip_logger.c: <--- Received SIP response (400 bytes) from UDP:{Host}:5060 --->",
        "SIP/2.0 401 Unauthorized",
        "WWW-Authenticate: Digest realm=\"mango\", nonce=\"n0nce2\", algorithm=MD5",
        "",
    ];

    [Fact(Timeout = 20_000)]
    public async Task Failure_switches_the_logger_on_for_the_host_then_off_after_the_window_and_keeps_a_redacted_excerpt()
    {
        var recorder = Recorder();

        var capture = recorder.CaptureAsync("mango-trunk", Host, "registration mango Rejected", CancellationToken.None);
        await _loggerOn.Task.WaitAsync(TimeSpan.FromSeconds(10));
        File.AppendAllLines(Log, Register(1).Append("[2026-11-26 08:00:02.000] NOTICE[5] res_pjsip/pjsip_distributor.c: unrelated line from 10.0.0.9"));
        var evidence = await Finish(capture);

        Assert.Equal(["pjsip set logger host 81.88.86.41", "pjsip set logger off"], _commands.Select(c => c.Command));
        var window = _commands.Last().At - _commands.First().At;
        Assert.InRange(window, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));
        Assert.NotNull(evidence);
        var text = string.Join('\n', evidence.Lines);
        Assert.Contains("REGISTER sip:81.88.86.41 SIP/2.0", text, StringComparison.Ordinal);
        Assert.Contains("Authorization: ***", text, StringComparison.Ordinal);
        Assert.Contains("Proxy-Authorization: ***", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fedcba9876543210", text, StringComparison.Ordinal);
        Assert.Contains("WWW-Authenticate: Digest realm=\"mango\", nonce=\"n0nce2\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("before the window", text, StringComparison.Ordinal);
        Assert.DoesNotContain("unrelated line", text, StringComparison.Ordinal);
        var alert = Assert.Single(_alerts.Published);
        Assert.Equal(AlertKind.SipEvidence, alert.Kind);
        Assert.Equal("mango-trunk", alert.Subject);
        Assert.Equal(text, alert.Details["sip"]);
        Assert.Same(evidence, Assert.Single(recorder.Latest));
    }

    [Fact(Timeout = 20_000)]
    public async Task Long_exchange_is_trimmed_to_forty_lines_and_four_kilobytes_saying_how_much_was_left_out()
    {
        var recorder = Recorder();

        var capture = recorder.CaptureAsync("mango-trunk", Host, "test", CancellationToken.None);
        await _loggerOn.Task.WaitAsync(TimeSpan.FromSeconds(10));
        File.AppendAllLines(Log, Enumerable.Range(1, 30).SelectMany(Register).Append("X-Padding: " + new string('x', 2000)));
        var evidence = await Finish(capture);

        Assert.NotNull(evidence);
        Assert.InRange(evidence.Lines.Count, 2, 40);
        Assert.InRange(evidence.Lines.Sum(l => l.Length + 1), 1, 4096);
        Assert.EndsWith("more line(s) left out", evidence.Lines[^1], StringComparison.Ordinal);
        Assert.True(evidence.LinesSeen > 200);
    }

    [Fact(Timeout = 20_000)]
    public async Task Second_failure_of_the_same_trunk_within_fifteen_minutes_sends_nothing()
    {
        var recorder = Recorder();

        await Finish(recorder.CaptureAsync("mango-trunk", Host, "first", CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(10));
        var second = await recorder.CaptureAsync("mango-trunk", Host, "second", CancellationToken.None);
        var other = recorder.CaptureAsync("elevenlabs-trunk", "sip.rtc.elevenlabs.io", "other trunk", CancellationToken.None);
        await Finish(other);
        _time.Advance(TimeSpan.FromMinutes(5));
        var third = await Finish(recorder.CaptureAsync("mango-trunk", Host, "third", CancellationToken.None));

        Assert.Null(second);
        Assert.NotNull(third);
        Assert.Equal(
            ["pjsip set logger host 81.88.86.41", "pjsip set logger off", "pjsip set logger host sip.rtc.elevenlabs.io", "pjsip set logger off",
                "pjsip set logger host 81.88.86.41", "pjsip set logger off"],
            _commands.Select(c => c.Command));
        Assert.Equal(["first", "other trunk", "third"], _alerts.Published.Select(a => a.Details["reason"]));
    }

    [Fact(Timeout = 20_000)]
    public async Task Stopping_during_the_window_still_switches_the_logger_off()
    {
        var recorder = Recorder();
        using var cts = new CancellationTokenSource();

        var capture = recorder.CaptureAsync("mango-trunk", Host, "test", cts.Token);
        await _loggerOn.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => capture);
        Assert.Equal(["pjsip set logger host 81.88.86.41", "pjsip set logger off"], _commands.Select(c => c.Command));
        Assert.Empty(_alerts.Published);
    }

    [Theory(Timeout = 20_000)]
    [InlineData("81.88.86.41\r\nAction: Originate")]
    [InlineData("host; core stop now")]
    [InlineData("")]
    public async Task Host_that_could_smuggle_a_command_is_refused_without_any_action(string host)
    {
        Assert.Null(await Recorder().CaptureAsync("mango-trunk", host, "test", CancellationToken.None));
        Assert.Empty(_commands);
    }
}
