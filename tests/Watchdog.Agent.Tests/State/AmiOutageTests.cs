using System.Text;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Api;
using Watchdog.Agent.State;
using Watchdog.Ami;

namespace Watchdog.Agent.Tests.State;

/// <summary>While AMI is down the store keeps the cause that tells the most; later, emptier failures are counted, not kept instead.</summary>
public class AmiOutageTests
{
    private const string Endpoint = "127.0.0.1:5038";
    private const string Refused = "TCP connect to 127.0.0.1:5038 failed: ConnectionRefused.";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private PbxStateStore Connected()
    {
        var store = new PbxStateStore(_time);
        store.SetAmiConnected(true);
        _time.Advance(TimeSpan.FromMinutes(3));
        return store;
    }

    private AmiFailure Failure(AmiDisconnectReason reason, string? detail = null) => new(reason.ToString(), detail, _time.GetUtcNow(), Endpoint);

    private void RefusedAttempts(PbxStateStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(6));
            store.SetAmiDown(Failure(AmiDisconnectReason.ConnectFailed, Refused));
        }
    }

    [Fact]
    public void Clean_shutdown_stays_the_cause_through_refused_reconnects_which_are_counted()
    {
        var store = Connected();
        store.SetAmiDown(Failure(AmiDisconnectReason.ServerShutdown, "Asterisk closed the connection.") with { ShutdownKind = "Cleanly", ShutdownRestart = false });
        var down = store.Current.Ami.Since;

        RefusedAttempts(store, 5);

        var ami = store.Current.Ami;
        Assert.False(ami.Connected);
        Assert.Equal(down, ami.Since); // the outage's start is the shutdown, not the last attempt
        Assert.Equal("ServerShutdown", ami.LastDisconnectReason);
        Assert.Equal("ConnectFailed", ami.CurrentDisconnectReason);
        Assert.Equal(5, ami.LastOutage!.FailedAttempts);
        Assert.Equal("Asterisk shut down cleanly at 12:03:00Z (restart: no); since then: connection refused by 127.0.0.1:5038, 5 attempts, the last at 12:03:30Z",
            AmiOutageText.Describe(ami.LastOutage, _time.GetUtcNow()));
    }

    [Theory]
    [InlineData(AmiDisconnectReason.PingTimeout, "Asterisk stopped answering pings at 12:03:00Z (looks hung)")]
    [InlineData(AmiDisconnectReason.NoBanner, "AMI at 127.0.0.1:5038 accepted the connection but sent no banner at 12:03:00Z (looks hung)")]
    [InlineData(AmiDisconnectReason.RemoteClosed, "Asterisk closed the AMI connection at 12:03:00Z without announcing a shutdown")]
    public void Informative_cause_is_not_replaced_by_connect_timeouts_or_refusals(AmiDisconnectReason cause, string sentence)
    {
        var store = Connected();
        store.SetAmiDown(Failure(cause));

        _time.Advance(TimeSpan.FromSeconds(5));
        store.SetAmiDown(Failure(AmiDisconnectReason.ConnectFailed, "TCP connect to 127.0.0.1:5038 timed out after 5 s."));
        RefusedAttempts(store, 2);

        var outage = store.Current.Ami.LastOutage!;
        Assert.Equal(cause.ToString(), store.Current.Ami.LastDisconnectReason);
        Assert.Equal(sentence, AmiOutageText.Cause(outage, _time.GetUtcNow()));
        Assert.Equal($"{sentence}; since then: connection refused by 127.0.0.1:5038, 3 attempts, the last at 12:03:17Z",
            AmiOutageText.Describe(outage, _time.GetUtcNow()));
    }

    [Fact]
    public void Refused_at_start_up_gives_way_to_a_hang_that_says_more()
    {
        var store = new PbxStateStore(_time);
        store.SetAmiDown(Failure(AmiDisconnectReason.ConnectFailed, Refused));
        RefusedAttempts(store, 2);
        Assert.Equal("connection refused by 127.0.0.1:5038 since 12:00:00Z (3 attempts, the last at 12:00:12Z)",
            AmiOutageText.Describe(store.Current.Ami.LastOutage!, _time.GetUtcNow()));

        _time.Advance(TimeSpan.FromSeconds(6));
        store.SetAmiDown(Failure(AmiDisconnectReason.NoBanner, "No AMI banner within the connect timeout."));

        Assert.Equal("NoBanner", store.Current.Ami.LastDisconnectReason);
        Assert.Equal(0, store.Current.Ami.LastOutage!.FailedAttempts);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), store.Current.Ami.Since);
    }

    [Fact]
    public void Login_refused_after_a_restart_is_what_the_healers_see_while_the_shutdown_stays_the_cause()
    {
        var store = Connected();
        store.SetAmiDown(Failure(AmiDisconnectReason.ServerShutdown) with { ShutdownKind = "Cleanly", ShutdownRestart = true });
        _time.Advance(TimeSpan.FromSeconds(20));
        store.SetAmiDown(Failure(AmiDisconnectReason.AuthenticationFailed, "Authentication failed"));

        var ami = store.Current.Ami;
        Assert.Equal("ServerShutdown", ami.LastDisconnectReason);
        Assert.Equal("AuthenticationFailed", new Watchdog.Agent.Healing.StatePbxHealthSource(store).Current.AmiDisconnectReason); // a wrong secret never restarts Asterisk
        Assert.Equal("Asterisk shut down cleanly at 12:03:00Z (restart: yes); since then: Asterisk refused the login at 12:03:20Z: Authentication failed, 1 attempt",
            AmiOutageText.Describe(ami.LastOutage!, _time.GetUtcNow()));
    }

    [Fact]
    public void Outage_is_kept_after_the_reconnect_and_the_next_one_starts_afresh()
    {
        var store = Connected();
        store.SetAmiDown(Failure(AmiDisconnectReason.PingTimeout));
        RefusedAttempts(store, 2);
        store.SetAmiConnected(true);
        Assert.Equal("PingTimeout", store.Current.Ami.LastDisconnectReason); // "last disconnect" while connected

        _time.Advance(TimeSpan.FromHours(1));
        store.SetAmiDown(Failure(AmiDisconnectReason.SocketError, "Reading from AMI failed: Connection reset by peer"));

        var outage = store.Current.Ami.LastOutage!;
        Assert.Equal(("SocketError", 0, null), (outage.Cause.Reason, outage.FailedAttempts, outage.Latest));
        Assert.Equal(_time.GetUtcNow(), store.Current.Ami.Since);
        Assert.Equal("the AMI connection failed: Connection reset by peer at 13:03:12Z", AmiOutageText.Cause(outage, _time.GetUtcNow()));
    }

    [Fact]
    public void Cause_from_an_earlier_day_carries_its_date()
    {
        var store = Connected();
        store.SetAmiDown(Failure(AmiDisconnectReason.PingTimeout));

        Assert.Equal("Asterisk stopped answering pings at 2026-11-26 12:03:00Z (looks hung)",
            AmiOutageText.Cause(store.Current.Ami.LastOutage!, _time.GetUtcNow() + TimeSpan.FromDays(1)));
    }

    [Fact(Timeout = 10_000)]
    public async Task Tracker_dates_a_shutdown_by_its_announcement_and_keeps_its_restart_flag()
    {
        var store = new PbxStateStore(_time);
        await using var client = new AmiClient(new AmiClientOptions { Host = "127.0.0.1", Port = 5038, Secret = "s" }, time: _time);
        await using var tracker = new PbxStateTracker(client, store);
        await tracker.OnConnectionStateChangedAsync(new AmiConnectionStateChange(AmiConnectionState.LoggedIn), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(3));

        await tracker.OnEventAsync(AmiMessage.Parse(Encoding.ASCII.GetBytes("Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: False\r\n\r\n")), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2)); // Asterisk closes the socket a moment after it announced
        await tracker.OnConnectionStateChangedAsync(new AmiConnectionStateChange(AmiConnectionState.Disconnected, AmiDisconnectReason.ServerShutdown,
            "Asterisk closed the connection.") { ShutdownRestart = false }, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await tracker.OnConnectionStateChangedAsync(new AmiConnectionStateChange(AmiConnectionState.Disconnected, AmiDisconnectReason.ConnectFailed, Refused), CancellationToken.None);

        var outage = store.Current.Ami.LastOutage!;
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 3, 0, TimeSpan.Zero), outage.Cause.At);
        Assert.Equal("Asterisk shut down cleanly at 12:03:00Z (restart: no); since then: connection refused by 127.0.0.1:5038, 1 attempt, the last at 12:03:03Z",
            AmiOutageText.Describe(outage, _time.GetUtcNow()));
    }
}
