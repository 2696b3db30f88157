using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Watchdog.Benchmarks.Cost;

/// <summary>
/// Diagnostic (<c>COST_ALLOC_TRACE=1</c> for <c>cost</c>, <c>AMI_ALLOC_TRACE=1</c> for <c>ami</c>): the runtime's allocation ticks (one per ~100 KB allocated,
/// attributed to the type that crossed the line), summed by type — where the bytes per event come from.
/// It costs CPU itself, so the contract line of a traced run is not a measurement.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Record(bool on) => _recording = on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    public void Print(long events)
    {
        var total = _bytes.Values.Sum();
        Console.WriteLine($"allocation ticks by type (sampled, {total / 1024} KB in all):");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(25))
        {
            Console.WriteLine($"  {bytes * 100.0 / total,5:0.0} %  {(events > 0 ? bytes / (double)events : 0),7:0.0} B/event  {type}");
        }
    }
}
