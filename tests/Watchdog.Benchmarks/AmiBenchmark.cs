using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Watchdog.Ami;
using Watchdog.Simulator;

namespace Watchdog.Benchmarks;

/// <summary>
/// Streams N realistic events over loopback TCP into (a) our client, through framing, parsing,
/// the bounded queue and an observer that reads each event's name and one header, and (b) a bare
/// System.IO.Pipelines splitter that only finds the blank lines — the practical limit.
/// </summary>
internal static class AmiBenchmark
{
    private const int BlockEvents = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var events = 1_000_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--events" && i + 1 < args.Length && int.TryParse(args[++i], out var n) && n >= BlockEvents)
            {
                events = n / BlockEvents * BlockEvents;
            }
            else
            {
                throw new ArgumentException($"ami: unexpected argument '{args[i]}' (usage: ami [--events N], N >= {BlockEvents})");
            }
        }

        var (block, perBlock) = RealisticEvents.Block(BlockEvents);
        var repetitions = events / perBlock;
        Console.WriteLine($"ami: {events:N0} events, {block.Length / perBlock} bytes/event on average, {Environment.ProcessorCount} cores; client with Ami:ReadBatchWindow 0 (the ingest path, not the low-rate sleep)");

        if (Environment.GetEnvironmentVariable("AMI_BENCH_PARSE_ONLY") == "1")
        {
            ParseOnly(block, repetitions, perBlock);
        }

        // Warm up both paths (JIT tiering, PGO) on a fifth of the stream, then measure each path three
        // times, alternating, and keep each one's best run: on 2 shared cores single runs vary widely.
        await RunClientAsync(block, Math.Max(1, repetitions / 5), perBlock);
        await RunSplitterAsync(block, Math.Max(1, repetitions / 5), perBlock);

        Result? splitter = null, client = null;
        for (var round = 1; round <= 3; round++)
        {
            var s = await RunSplitterAsync(block, repetitions, perBlock);
            Console.WriteLine($"ami: round {round}: splitter {s.Seconds:0.000} s ({events / s.Seconds:0} events/s)");
            var c = await RunClientAsync(block, repetitions, perBlock);
            Console.WriteLine($"ami: round {round}: client {c.Seconds:0.000} s ({events / c.Seconds:0} events/s), dropped {c.Dropped}, gen0 GCs {c.Gen0}, {c.AllocatedBytes / (double)events:0.0} B/event");
            if (splitter is null || s.Seconds < splitter.Seconds) splitter = s;
            if (client is null || c.Seconds < client.Seconds) client = c;
        }

        var clientRate = events / client!.Seconds;
        var splitterRate = events / splitter!.Seconds;
        Console.WriteLine($"ami: client is {splitterRate / clientRate:0.00}x slower than the bare splitter (target: within 2x)");
        Console.WriteLine($"ami: client_events_per_s={clientRate:0} splitter_events_per_s={splitterRate:0} alloc_bytes_per_event={client.AllocatedBytes / (double)events:0.0}");
        return 0;
    }

    private sealed record Result(double Seconds, long AllocatedBytes, long Dropped, int Gen0);

    private sealed class CountingObserver(long expected) : IAmiEventObserver
    {
        private long _count;
        public long Checksum;
        private static readonly bool Bare = Environment.GetEnvironmentVariable("AMI_BENCH_BARE_OBSERVER") == "1";
        public long Count => Interlocked.Read(ref _count);
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
        {
            // Touch the event the way a consumer would: its name and one header, without allocating.
            if (!Bare)
            {
                Checksum += message.EventName.Length;
                if (message.TryGetValue("Channel"u8, out var channel)) Checksum += channel.Length;
            }
            if (++_count == expected) Done.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<Result> RunClientAsync(byte[] block, int repetitions, int perBlock)
    {
        await using var sim = new AmiSimulator();
        sim.Start();
        var expected = (long)repetitions * perBlock;
        await using var client = new AmiClient(new AmiClientOptions
        {
            Host = sim.Host, Port = sim.Port, Username = "watchdog", Secret = "watchdog-secret", Events = "on",
            PingInterval = TimeSpan.Zero, EventQueueCapacity = 50_000,
            // The read window saves wake-ups at low rates by sleeping after a read that emptied the socket; here the
            // writer is slower than the reader, so it would measure the window, not the ingest path.
            ReadBatchWindow = TimeSpan.Zero,
        });
        using var stop = new CancellationTokenSource();
        var login = new LoginGate();
        var loginSubscription = client.Subscribe(login);
        var run = client.RunAsync(stop.Token);
        await client.WaitUntilLoggedInAsync(stop.Token);
        await login.Booted.Task; // the login's own events are out of the way
        loginSubscription.Dispose();
        var counter = new CountingObserver(expected);
        using var subscription = client.Subscribe(counter);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var gen0 = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var sampler = Environment.GetEnvironmentVariable("AMI_ALLOC_TRACE") == "1" ? new Cost.AllocationSampler() : null;
        sampler?.Record(true);
        var clock = Stopwatch.StartNew();
        var writer = Task.Run(async () =>
        {
            for (var r = 0; r < repetitions; r++)
            {
                await sim.SendRawAsync(block);
            }
        });
        var deadline = Stopwatch.StartNew();
        while (!counter.Done.Task.IsCompleted && counter.Count + client.DroppedEvents < expected)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"client delivered {counter.Count} of {expected} events (dropped {client.DroppedEvents})");
            }
            await Task.WhenAny(counter.Done.Task, Task.Delay(5));
        }
        clock.Stop();
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        sampler?.Record(false);
        sampler?.Print(expected);
        await writer;
        var result = new Result(clock.Elapsed.TotalSeconds, bytes, client.DroppedEvents, GC.CollectionCount(0) - gen0);
        await stop.CancelAsync();
        await run;
        return result;
    }

    private sealed class LoginGate : IAmiEventObserver
    {
        public TaskCompletionSource Booted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
        {
            if (message.EventName == "SuccessfulAuth") Booted.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<Result> RunSplitterAsync(byte[] block, int repetitions, int perBlock)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            for (var r = 0; r < repetitions; r++)
            {
                await stream.WriteAsync(block);
            }
            socket.Shutdown(SocketShutdown.Send);
        });

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var network = new NetworkStream(client, ownsSocket: false);
        var reader = PipeReader.Create(network, new StreamPipeReaderOptions(bufferSize: 256 * 1024, minimumReadSize: 64 * 1024));
        var expected = (long)repetitions * perBlock;
        long frames = 0;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        while (frames < expected)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            frames += Split(ref buffer);
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) break;
        }
        clock.Stop();
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        await reader.CompleteAsync();
        await server;
        if (frames != expected) throw new InvalidOperationException($"splitter saw {frames} frames, expected {expected}");
        return new Result(clock.Elapsed.TotalSeconds, bytes, 0, 0);
    }

    /// <summary>Diagnostic: framing and parsing alone, in memory, without sockets or threads.</summary>
    private static void ParseOnly(byte[] block, int repetitions, int perBlock)
    {
        var message = new AmiMessage();
        long sum = 0;
        for (var pass = 0; pass < 6; pass++)
        {
            var clock = Stopwatch.StartNew();
            for (var r = 0; r < repetitions; r++)
            {
                var seq = new ReadOnlySequence<byte>(block);
                while (Watchdog.Ami.Protocol.AmiFraming.TryReadMessage(ref seq, message))
                {
                    sum += message.EventName.Length;
                }
            }
            clock.Stop();
            Console.WriteLine($"ami: parse only {repetitions * perBlock / clock.Elapsed.TotalSeconds:0} events/s ({sum})");
        }
    }

    private static long Split(ref ReadOnlySequence<byte> buffer)
    {
        long frames = 0;
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            // A frame ends where a line ends right after another: "\r\n\r\n".
            if (reader.IsNext("\r\n"u8, advancePast: true))
            {
                frames++;
                buffer = buffer.Slice(reader.Position);
            }
        }
        return frames;
    }
}
