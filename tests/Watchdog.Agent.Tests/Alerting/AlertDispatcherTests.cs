using Watchdog.Agent.Alerting;
using static Watchdog.Agent.Tests.Alerting.TestSupport;

namespace Watchdog.Agent.Tests.Alerting;

public class AlertDispatcherTests
{
    private const int Admitted = 6001;
    private const int Dropped = 6002;
    private const int RetryScheduled = 6005;
    private const int GaveUp = 6006;
    private const int Delivered = 6004;

    private readonly CapturingLoggerProvider _logs = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = Clock();

    [Fact(Timeout = 20_000)]
    public async Task Burst_inside_the_group_wait_reaches_each_channel_as_one_message()
    {
        var ct = Deadline();
        var telegram = new RecordingNotifier("telegram:1");
        var email = new RecordingNotifier("email");
        var dispatcher = Dispatcher(Options(), _time, _logs, telegram, email);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        dispatcher.Publish(new Alert(AlertKind.EndpointUnreachable, AlertSeverity.Warning, "trunk-a", Start));
        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 3, ct);
        _time.Advance(TimeSpan.FromSeconds(10));

        foreach (var channel in new[] { telegram, email })
        {
            var n = await channel.NextAsync(ct);
            Assert.Equal([AlertKind.RegistrationLost, AlertKind.EndpointUnreachable], n.Alerts.Select(a => a.Kind));
            Assert.Equal("2 alerts, 1 critical", n.Title);
        }

        await dispatcher.StopAsync(ct);
        Assert.False(telegram.TryTake(out _));
    }

    [Fact(Timeout = 20_000)]
    public async Task Stopping_sends_the_group_still_waiting_instead_of_losing_it()
    {
        var ct = Deadline();
        var channel = new RecordingNotifier("email");
        var dispatcher = Dispatcher(Options(), _time, _logs, channel);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        await dispatcher.StopAsync(ct);

        Assert.Equal("Trunk registration lost: trunk-a", (await channel.NextAsync(ct)).Title);
    }

    [Fact(Timeout = 20_000)]
    public async Task Nothing_is_sent_before_the_group_wait_ends()
    {
        var ct = Deadline();
        var channel = new RecordingNotifier("email");
        var dispatcher = Dispatcher(Options(), _time, _logs, channel);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        _time.Advance(TimeSpan.FromSeconds(9));

        Assert.Equal(0, channel.Attempts);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("Trunk registration lost: trunk-a", (await channel.NextAsync(ct)).Title);
        await dispatcher.StopAsync(ct);
    }

    [Fact(Timeout = 20_000)]
    public async Task Recovery_follows_a_sent_problem_in_its_own_message()
    {
        var ct = Deadline();
        var channel = new RecordingNotifier("email");
        var dispatcher = Dispatcher(Options(), _time, _logs, channel);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        await channel.NextAsync(ct);

        _time.Advance(TimeSpan.FromMinutes(2));
        dispatcher.Publish(Restored("trunk-a", _time.GetUtcNow()));
        await _logs.WaitForEventAsync(Admitted, 2, ct);
        _time.Advance(TimeSpan.FromSeconds(10));

        var resolved = await channel.NextAsync(ct);
        Assert.Equal("Trunk registration restored: trunk-a", resolved.Title);
        await dispatcher.StopAsync(ct);
    }

    [Fact(Timeout = 20_000)]
    public async Task Recovery_of_a_problem_that_was_never_sent_sends_nothing()
    {
        var ct = Deadline();
        var channel = new RecordingNotifier("email");
        var dispatcher = Dispatcher(Options(), _time, _logs, channel);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        dispatcher.Publish(Restored("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 2, ct);
        _time.Advance(TimeSpan.FromMinutes(1));
        await dispatcher.StopAsync(ct);

        Assert.Equal(0, channel.Attempts);
        Assert.Equal(nameof(AdmitOutcome.CancelledPendingProblem), _logs.Entries.Last(e => e.EventId.Id == Admitted)["AdmitOutcome"]?.ToString());
    }

    [Fact(Timeout = 20_000)]
    public async Task Failing_channel_is_retried_with_doubling_delays_while_the_other_channel_delivers()
    {
        var ct = Deadline();
        var failing = new RecordingNotifier("telegram:1") { FailOn = { 1, 2 } };
        var healthy = new RecordingNotifier("email");
        var dispatcher = Dispatcher(Options(), _time, _logs, failing, healthy);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        _time.Advance(TimeSpan.FromSeconds(10));

        await healthy.NextAsync(ct);
        await _logs.WaitForEventAsync(RetryScheduled, 1, ct);
        Assert.Equal(1, failing.Attempts);
        _time.Advance(TimeSpan.FromSeconds(2));
        await _logs.WaitForEventAsync(RetryScheduled, 2, ct);
        Assert.Equal(2, failing.Attempts);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(failing.TryTake(out _), "the second retry waits 4 s, not 3 s");
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("Trunk registration lost: trunk-a", (await failing.NextAsync(ct)).Title);
        var retries = _logs.Entries.Where(e => e.EventId.Id == RetryScheduled).Select(e => (TimeSpan)e["RetryDelay"]!);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], retries);
        await _logs.WaitForAsync(e => e.EventId.Id == Delivered && (int)e["Attempt"]! == 3, 1, ct);
        await dispatcher.StopAsync(ct);
    }

    [Fact(Timeout = 20_000)]
    public async Task Channel_gives_up_after_the_last_attempt_and_then_serves_the_next_message()
    {
        var ct = Deadline();
        var channel = new RecordingNotifier("email") { FailOn = { 1, 2, 3, 4 } };
        var dispatcher = Dispatcher(Options(), _time, _logs, channel);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        for (var retry = 1; retry <= 3; retry++)
        {
            await _logs.WaitForEventAsync(RetryScheduled, retry, ct);
            _time.Advance(TimeSpan.FromSeconds(60));
        }

        await _logs.WaitForEventAsync(GaveUp, 1, ct);
        Assert.Equal(4, channel.Attempts);

        dispatcher.Publish(Lost("trunk-b", _time.GetUtcNow()));
        await _logs.WaitForEventAsync(Admitted, 2, ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("Trunk registration lost: trunk-b", (await channel.NextAsync(ct)).Title);
        await dispatcher.StopAsync(ct);
    }

    [Fact(Timeout = 20_000)]
    public async Task Stalled_channel_is_cut_off_by_the_send_timeout_and_retried()
    {
        var ct = Deadline();
        var stalled = new RecordingNotifier("telegram:1") { StallOn = { 1 } };
        var dispatcher = Dispatcher(Options(o => o.SendTimeout = TimeSpan.FromSeconds(30)), _time, _logs, stalled);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        await stalled.WhenAttemptedAsync(1, ct);

        _time.Advance(TimeSpan.FromSeconds(30));
        await _logs.WaitForEventAsync(RetryScheduled, 1, ct);
        Assert.Contains("no answer within", _logs.Entries.Single(e => e.EventId.Id == RetryScheduled).Message, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromSeconds(2));

        await stalled.NextAsync(ct);
        await dispatcher.StopAsync(ct);
    }

    [Fact(Timeout = 20_000)]
    public async Task Telegram_retry_after_is_honoured_when_longer_than_the_backoff()
    {
        var ct = Deadline();
        var channel = new RetryAfterNotifier(TimeSpan.FromSeconds(30));
        var dispatcher = Dispatcher(Options(), _time, _logs, channel);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(Lost("trunk-a", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _logs.WaitForEventAsync(RetryScheduled, 1, ct);

        Assert.Equal(TimeSpan.FromSeconds(30), (TimeSpan)_logs.Entries.Single(e => e.EventId.Id == RetryScheduled)["RetryDelay"]!);
        await dispatcher.StopAsync(ct);
    }

    [Fact(Timeout = 20_000)]
    public async Task Publish_never_blocks_and_a_full_queue_drops_the_oldest()
    {
        var ct = Deadline();
        var dispatcher = Dispatcher(Options(o => o.QueueCapacity = 4), _time, _logs, new RecordingNotifier("email"));

        // Not started: nothing drains the queue.
        var accepted = Enumerable.Range(0, 10).Select(i => dispatcher.Publish(Lost($"trunk-{i}", Start))).ToArray();

        Assert.All(accepted, Assert.True);
        Assert.Equal(6, _logs.Entries.Count(e => e.EventId.Id == Dropped));
        Assert.Equal("RegistrationLost:trunk-0", _logs.Entries.First(e => e.EventId.Id == Dropped)["AlertKey"]);

        await dispatcher.StartAsync(ct);
        await _logs.WaitForEventAsync(Admitted, 4, ct);
        await dispatcher.StopAsync(ct);
    }

    [Fact(Timeout = 20_000)]
    public async Task Russian_configuration_sends_russian_messages()
    {
        var ct = Deadline();
        var channel = new RecordingNotifier("email");
        var dispatcher = Dispatcher(Options(o => o.Language = "ru"), _time, _logs, channel);
        await dispatcher.StartAsync(ct);

        dispatcher.Publish(new Alert(AlertKind.AmiDown, AlertSeverity.Critical, "ami", Start));
        await _logs.WaitForEventAsync(Admitted, 1, ct);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("Потеряно соединение AMI: ami", (await channel.NextAsync(ct)).Title);
        await dispatcher.StopAsync(ct);
    }

    private sealed class RetryAfterNotifier(TimeSpan retryAfter) : INotifier
    {
        public string Name => "telegram:429";

        public Task SendAsync(Notification notification, CancellationToken cancellationToken) =>
            throw new NotificationException("Too Many Requests", retryAfter);
    }
}
