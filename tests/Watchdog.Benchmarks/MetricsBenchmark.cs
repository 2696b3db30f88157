using System.Diagnostics;
using System.Globalization;
using Prometheus;
using Watchdog.Agent.Metrics;
using Watchdog.Agent.State;

namespace Watchdog.Benchmarks;

/// <summary>
/// <c>metrics</c>: a model of 1000 endpoints (one contact each), 10 registrations and 500 active
/// channels. Measures a full <c>/metrics</c> render (before-collect render from the snapshot plus
/// text export; median of repeated runs) and the cost of one model update (a realistic mix of
/// channel state changes, call starts/hangups, contact and registration changes, through
/// <see cref="PbxStateStore.Apply"/>). Targets: render under 10 ms, update under 1 µs.
/// </summary>
internal static class MetricsBenchmark
{
    private const int Endpoints = 1000;
    private const int Channels = 500;
    private const int Registrations = 10;
    private const int RenderRuns = 50;
    private const int Updates = 1_000_000;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 0) throw new ArgumentException($"metrics takes no options (got '{string.Join(' ', args)}')");

        var store = new PbxStateStore(TimeProvider.System);
        store.SetAmiConnected(true);
        if (!store.CompleteResync(store.BeginResync(), Model())) throw new InvalidOperationException("resync not applied");
        var registry = Prometheus.Metrics.NewCustomRegistry();
        using var metrics = new PbxMetrics(store, registry);
        for (var i = 0; i < 200; i++) store.Events.Record("Event" + (i % 40), DateTimeOffset.UtcNow);

        var renderMs = await MeasureRenderAsync(registry, store);
        var updateNs = MeasureUpdates(store);

        Console.WriteLine($"model: endpoints={Endpoints} channels={store.Current.Channels.Count} registrations={Registrations}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"metrics: render_ms={renderMs:0.00} update_ns_per_event={updateNs:0}"));
        return 0;
    }

    private static PbxResyncData Model()
    {
        var registrations = Enumerable.Range(0, Registrations)
            .Select(i => new ResyncRegistration($"reg-{i}", $"sip:user{i}@192.0.2.1:5060", "sip:192.0.2.1:5060", $"ep-{i}", "Registered"))
            .ToList();
        var endpoints = Enumerable.Range(0, Endpoints)
            .Select(i => new ResyncEndpoint($"ep-{i}", "Not in use", [new ContactState($"ep-{i}-aor", $"sip:198.51.100.{i % 250}:{5060 + i}", "Reachable", 700 + i)]))
            .ToList();
        var channels = Enumerable.Range(0, Channels)
            .Select(i => new ResyncChannel($"1700000000.{i}", $"PJSIP/ep-{i % Endpoints}-{i:x8}", "Up", TimeSpan.FromSeconds(i)))
            .ToList();
        return new PbxResyncData(registrations, endpoints, channels, "22.10.1", DateTimeOffset.UtcNow.AddDays(-1));
    }

    private static async Task<double> MeasureRenderAsync(CollectorRegistry registry, PbxStateStore store)
    {
        using var buffer = new MemoryStream(1 << 20);
        var samples = new double[RenderRuns];
        for (var i = -10; i < RenderRuns; i++)
        {
            buffer.SetLength(0);
            // A changed snapshot every time, so each scrape renders every series (an unchanged one is skipped).
            store.Apply(new ContactStatusChanged("ep-1", "ep-1-aor", "sip:198.51.100.1:5061", "Reachable", 1000 + i));
            var start = Stopwatch.GetTimestamp();
            await registry.CollectAndExportAsTextAsync(buffer, CancellationToken.None);
            if (i >= 0) samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Console.WriteLine($"render: {buffer.Length} bytes per scrape");
        Array.Sort(samples);
        return samples[RenderRuns / 2];
    }

    private static double MeasureUpdates(PbxStateStore store)
    {
        var updates = new PbxUpdate[1000];
        for (var i = 0; i < updates.Length; i++)
        {
            var ch = i % Channels;
            var ep = i % Endpoints;
            updates[i] = (i % 10) switch
            {
                0 => new ContactStatusChanged($"ep-{ep}", $"ep-{ep}-aor", $"sip:198.51.100.{ep % 250}:{5060 + ep}", i % 20 == 0 ? "Unreachable" : "Reachable", 800),
                1 => new RegistrationStatusChanged($"sip:user{i % Registrations}@192.0.2.1:5060", "sip:192.0.2.1:5060", i % 20 == 1 ? "Rejected" : "Registered"),
                2 or 3 => new ChannelCreated($"1800000000.{i}", $"PJSIP/ep-{ep}-{i:x8}", "Ring"),
                4 or 5 => new ChannelHungUp($"1800000000.{i - 2}", $"PJSIP/ep-{(i - 2) % Endpoints}-{i - 2:x8}", 16),
                _ => new ChannelStateChanged($"1700000000.{ch}", $"PJSIP/ep-{ch % Endpoints}-{ch:x8}", i % 2 == 0 ? "Up" : "Ringing"),
            };
        }

        for (var i = 0; i < 100_000; i++) store.Apply(updates[i % updates.Length]);
        {
            foreach (var g in updates.GroupBy(u => u.GetType().Name))
            {
                var arr = g.ToArray();
                var t0 = Stopwatch.GetTimestamp();
                for (var i = 0; i < 200_000; i++) store.Apply(arr[i % arr.Length]);
                Console.WriteLine($"update {g.Key} (alone): {Stopwatch.GetElapsedTime(t0).TotalNanoseconds / 200_000:0} ns");
            }
        }
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Updates; i++) store.Apply(updates[i % updates.Length]);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / Updates;
    }
}
