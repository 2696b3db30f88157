using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Logs;

public sealed class LogTailerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "watchdog-tail-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _lines = [];

    public LogTailerTests() => Directory.CreateDirectory(_directory);

    private string LogPath => Path.Combine(_directory, "auth.log");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private LogTailer Tailer(bool startAtEnd = true, int maxLineLength = 16 * 1024, TimeProvider? time = null) =>
        new(new LogTailerOptions { Path = LogPath, StartAtEnd = startAtEnd, MaxLineLength = maxLineLength, PollInterval = TimeSpan.FromSeconds(1) },
            time ?? TimeProvider.System, NullLogger<LogTailer>.Instance);

    private void Collect(ReadOnlySpan<byte> line) => _lines.Add(Encoding.UTF8.GetString(line));

    private void Append(string text, string? path = null) => File.AppendAllText(path ?? LogPath, text);

    [Fact]
    public void Existing_content_is_skipped_by_default_and_new_lines_are_emitted()
    {
        Append("old 1\nold 2\n");
        using var tailer = Tailer();
        Assert.Equal(0, tailer.Poll(Collect));

        Append("new 1\nnew 2\n");
        Assert.Equal(2, tailer.Poll(Collect));
        Assert.Equal(["new 1", "new 2"], _lines);
    }

    [Fact]
    public void Start_at_beginning_replays_existing_content()
    {
        Append("old 1\n");
        using var tailer = Tailer(startAtEnd: false);
        tailer.Poll(Collect);
        Assert.Equal(["old 1"], _lines);
    }

    [Fact]
    public void A_line_written_in_pieces_is_emitted_once_complete()
    {
        Append("");
        using var tailer = Tailer();
        tailer.Poll(Collect);

        Append("Failed password for ro");
        Assert.Equal(0, tailer.Poll(Collect));
        Append("ot from 192.0.2.1 po");
        Assert.Equal(0, tailer.Poll(Collect));
        Append("rt 22 ssh2\r\nnext");
        Assert.Equal(1, tailer.Poll(Collect));

        Assert.Equal(["Failed password for root from 192.0.2.1 port 22 ssh2"], _lines);
    }

    [Fact]
    public void A_file_absent_at_start_is_read_from_its_beginning_when_it_appears()
    {
        using var tailer = Tailer();
        Assert.Equal(0, tailer.Poll(Collect));
        Assert.Equal(0, tailer.Poll(Collect));

        Append("first\n");
        tailer.Poll(Collect);
        Assert.Equal(["first"], _lines);
    }

    [Fact]
    public void Rotation_by_rename_and_create_drains_the_old_file_then_reads_the_new_one()
    {
        Append("");
        using var tailer = Tailer();
        tailer.Poll(Collect);
        Append("before\n");

        File.Move(LogPath, LogPath + ".1");
        Append("late write to old file\n", LogPath + ".1");
        tailer.Poll(Collect);
        Assert.Equal(["before", "late write to old file"], _lines);

        Append("new file 1\nnew file 2\n");
        tailer.Poll(Collect);
        Append("new file 3\n");
        tailer.Poll(Collect);

        Assert.Equal(["before", "late write to old file", "new file 1", "new file 2", "new file 3"], _lines);
    }

    [Fact]
    public void Rotation_where_the_new_file_is_already_larger_is_still_noticed()
    {
        Append("");
        using var tailer = Tailer();
        tailer.Poll(Collect);
        Append("a\n");
        tailer.Poll(Collect);

        File.Move(LogPath, LogPath + ".1");
        Append("a much longer first line of the new file\nsecond\n");
        tailer.Poll(Collect);

        Assert.Equal(["a", "a much longer first line of the new file", "second"], _lines);
    }

    [Fact]
    public void Copytruncate_restarts_from_the_beginning()
    {
        Append("");
        using var tailer = Tailer();
        tailer.Poll(Collect);
        Append("one\ntwo\n");
        tailer.Poll(Collect);

        using (var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.SetLength(0);
        }

        tailer.Poll(Collect);
        Append("three\n");
        tailer.Poll(Collect);

        Assert.Equal(["one", "two", "three"], _lines);
    }

    [Fact]
    public void Deleted_file_is_picked_up_again_when_recreated()
    {
        Append("");
        using var tailer = Tailer();
        tailer.Poll(Collect);
        File.Delete(LogPath);
        tailer.Poll(Collect);

        Append("again\n");
        tailer.Poll(Collect);
        Assert.Equal(["again"], _lines);
    }

    [Fact]
    public void Overlong_lines_are_dropped_and_the_next_line_still_arrives()
    {
        Append("");
        using var tailer = Tailer(maxLineLength: 256);
        tailer.Poll(Collect);

        Append(new string('x', 200));
        tailer.Poll(Collect);
        Append(new string('y', 200) + "\nshort\n" + new string('z', 300) + "\nlast\n");
        tailer.Poll(Collect);

        Assert.Equal(["short", "last"], _lines);
        Assert.Equal(2, tailer.OverlongLines);
    }

    [Fact(Timeout = 5_000)]
    public async Task Run_polls_on_the_time_provider_interval()
    {
        Append("");
        var time = new FakeTimeProvider();
        using var tailer = Tailer(time: time);
        using var cts = new CancellationTokenSource();
        var polls = 0;
        var arrived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = tailer.RunAsync(
            line => arrived.TrySetResult(Encoding.UTF8.GetString(line)),
            _ =>
            {
                Interlocked.Increment(ref polls);
                return ValueTask.CompletedTask;
            },
            cts.Token);

        Append("hello\n");
        while (!arrived.Task.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(arrived.Task, Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System));
        }

        Assert.Equal("hello", await arrived.Task);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact(Timeout = 10_000)]
    public async Task With_the_watcher_appends_and_a_rotation_arrive_while_the_clock_stands_still()
    {
        Append("");
        var time = new FakeTimeProvider(); // never advanced: no poll is ever due, only inotify can wake the loop
        using var tailer = new LogTailer(
            new LogTailerOptions { Path = LogPath, PollInterval = TimeSpan.FromSeconds(1), UseFileSystemWatcher = true }, time, NullLogger<LogTailer>.Instance);
        using var cts = new CancellationTokenSource();
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var polls = 0;
        var firstPoll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = tailer.RunAsync(
            line => lines.Writer.TryWrite(Encoding.UTF8.GetString(line)),
            _ =>
            {
                if (Interlocked.Increment(ref polls) == 1) firstPoll.TrySetResult();
                return ValueTask.CompletedTask;
            },
            cts.Token);
        await firstPoll.Task;

        Append("appended\n");
        Assert.Equal("appended", await lines.Reader.ReadAsync());

        File.Move(LogPath, LogPath + ".1");
        Append("in the new file\n");
        Assert.Equal("in the new file", await lines.Reader.ReadAsync());

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact(Timeout = 5_000)]
    public async Task A_nudge_wakes_the_loop_without_waiting_for_the_interval()
    {
        Append("");
        var time = new FakeTimeProvider();
        using var tailer = Tailer(time: time);
        using var cts = new CancellationTokenSource();
        var firstPoll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = tailer.RunAsync(
            line => arrived.TrySetResult(Encoding.UTF8.GetString(line)),
            _ =>
            {
                firstPoll.TrySetResult();
                return ValueTask.CompletedTask;
            },
            cts.Token);

        await firstPoll.Task;
        Append("nudged\n");
        tailer.Nudge();

        Assert.Equal("nudged", await arrived.Task);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new LogTailerOptions { Path = "relative.log", PollInterval = TimeSpan.Zero, MaxLineLength = 1 }.Validate();
        Assert.Equal(3, problems.Count);
    }
}
