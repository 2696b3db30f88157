using Watchdog.Simulator;

namespace Watchdog.Ami.Tests.Client;

public class ResilienceTests
{
    [Fact(Timeout = 30_000)]
    public async Task Cut_mid_frame_is_a_disconnect_and_the_client_logs_in_again()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        await t.Simulator.CutMidFrameAsync();
        var down = await t.Observer.WaitForState(AmiConnectionState.Disconnected);
        await t.Observer.WaitForState(AmiConnectionState.LoggedIn);

        Assert.Equal(AmiDisconnectReason.RemoteClosed, down.Reason);
        Assert.Contains("middle of a message", down.Detail);
        Assert.Equal(1, t.Client.Reconnects);
        Assert.DoesNotContain("Newexten", t.Observer.EventNames);
    }

    [Fact(Timeout = 30_000)]
    public async Task Restart_announces_shutdown_refuses_connections_then_comes_back()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        // Long enough for a refused reconnect (back-off 50-400 ms) even on a loaded machine.
        var restart = t.Simulator.RestartAsync(TimeSpan.FromSeconds(2));
        var shutdown = Ami.Events.ShutdownEvent.From(await t.Observer.WaitForEvent("Shutdown"))!;
        var down = await t.Observer.WaitForState(AmiConnectionState.Disconnected);
        await restart;
        await t.Observer.WaitForState(AmiConnectionState.LoggedIn);

        Assert.True(shutdown.Restart);
        Assert.Equal(AmiDisconnectReason.ServerShutdown, down.Reason);
        Assert.Contains(t.Observer.States, s => s.Reason == AmiDisconnectReason.ConnectFailed);
        var pong = await t.Client.SendAsync(AmiActions.Ping());
        Assert.True(pong.IsSuccess);
    }

    [Fact(Timeout = 30_000)]
    public async Task Clean_stop_reports_the_shutdown_with_its_restart_flag_then_refused_connects()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        await t.Simulator.ShutDownAsync();
        var down = await t.Observer.WaitForState(AmiConnectionState.Disconnected);
        var refused = await t.Observer.WaitFor<AmiConnectionStateChange>(s => s.Reason == AmiDisconnectReason.ConnectFailed);

        Assert.Equal((AmiDisconnectReason.ServerShutdown, false), (down.Reason, down.ShutdownRestart));
        Assert.Null(refused.ShutdownRestart); // a failed connect had no session to announce anything
        Assert.Contains("ConnectionRefused", refused.Detail);
        t.Simulator.Start();
        await t.Observer.WaitForState(AmiConnectionState.LoggedIn);
    }

    [Fact(Timeout = 30_000)]
    public async Task Unanswered_ping_counts_as_hung_and_reconnects()
    {
        await using var t = await ClientAndSimulator.StartAsync(o => o with
        {
            PingInterval = TimeSpan.FromMilliseconds(100),
            PingTimeout = TimeSpan.FromMilliseconds(200),
        });

        t.Simulator.IgnorePings = true;
        var down = await t.Observer.WaitForState(AmiConnectionState.Disconnected);
        t.Simulator.IgnorePings = false;
        await t.Observer.WaitForState(AmiConnectionState.LoggedIn);

        Assert.Equal(AmiDisconnectReason.PingTimeout, down.Reason);
    }

    [Fact(Timeout = 30_000)]
    public async Task Wrong_secret_is_a_clear_error_with_no_hot_reconnect_loop()
    {
        await using var t = await ClientAndSimulator.StartAsync(o => o with { Secret = "wrong", AuthFailureRetryDelay = TimeSpan.FromMinutes(5) }, waitForLogin: false);

        var down = await t.Observer.WaitFor<AmiConnectionStateChange>(s => s.State == AmiConnectionState.Disconnected);
        var nextAttempt = t.Observer.WaitForState(AmiConnectionState.Connecting, TimeSpan.FromSeconds(1));

        Assert.Equal(AmiDisconnectReason.AuthenticationFailed, down.Reason);
        Assert.Contains("login refused for user 'watchdog'", down.Detail);
        Assert.DoesNotContain("wrong", down.Detail);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => nextAttempt);
        Assert.Equal(1, t.Simulator.ReceivedActions.Count(a => a == "Login"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Connection_refused_backs_off_and_connects_once_Asterisk_listens()
    {
        var sim = new AmiSimulator();
        sim.Start();
        var port = sim.Port;
        await sim.StopListeningAsync();
        var client = new AmiClient(ClientAndSimulator.OptionsFor(sim));
        var observer = new RecordingObserver();
        client.Subscribe(observer);
        using var stop = new CancellationTokenSource();
        var run = client.RunAsync(stop.Token);

        var refused = await observer.WaitFor<AmiConnectionStateChange>(s => s.Reason == AmiDisconnectReason.ConnectFailed);
        await using var again = new AmiSimulator(port: port);
        again.Start();
        await observer.WaitForState(AmiConnectionState.LoggedIn);

        Assert.Contains("failed", refused.Detail);
        await stop.CancelAsync();
        await run;
        await client.DisposeAsync();
        await sim.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task Garbage_between_messages_is_skipped_and_the_session_goes_on()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        await t.Simulator.SendRawAsync("\u0000\u0001\u00ff garbage without a colon\r\nmore: junk\r\n\r\n"u8.ToArray());
        t.Simulator.SetRegistrationStatus("mango-registration", "Unregistered");
        var registry = await t.Observer.WaitForEvent("Registry");

        Assert.Equal("Unregistered", registry["Status"]);
        Assert.Equal(AmiConnectionState.LoggedIn, t.Client.State);
        Assert.True((await t.Client.SendAsync(AmiActions.Ping())).IsSuccess);
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_is_capped()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), jitter: 0.2, new Random(42));

        var delays = Enumerable.Range(0, 8).Select(backoff.DelayFor).ToList();

        Assert.InRange(delays[0].TotalSeconds, 0.8, 1.0);
        Assert.InRange(delays[1].TotalSeconds, 1.6, 2.0);
        Assert.InRange(delays[3].TotalSeconds, 6.4, 8.0);
        Assert.All(delays.Skip(5), d => Assert.InRange(d.TotalSeconds, 24, 30));
    }

    [Fact(Timeout = 30_000)]
    public async Task Stopping_the_client_logs_off()
    {
        var t = await ClientAndSimulator.StartAsync();

        await t.DisposeAsync();

        Assert.Contains("Logoff", t.Simulator.ReceivedActions);
    }
}
