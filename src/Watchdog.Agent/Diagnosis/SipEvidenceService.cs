using Microsoft.Extensions.Hosting;
using Watchdog.Agent.State;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Diagnosis;

/// <summary>
/// Watches the state for a trunk failing — a registration leaving <c>Registered</c> (or first seen <c>Rejected</c>),
/// a trunk endpoint's contacts all becoming (or first seen) unreachable — and starts a <see cref="SipEvidenceRecorder"/> capture for it.
/// It looks when the store signals a trunk-health change (<see cref="PbxStateStore.TrunkHealth"/>), never on a timer:
/// an idle agent is not woken for it. Captures run beside the watch loop; stopping waits for them (each switches the logger off).
/// </summary>
public sealed class SipEvidenceService(
    PbxStateStore store,
    SipEvidenceRecorder recorder,
    DiagnosisSettings settings) : BackgroundService
{
    private readonly Dictionary<string, bool> _registered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _reachable = new(StringComparer.Ordinal);
    private readonly List<Task> _captures = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var seen = store.TrunkHealth.Version;
                Check(store.Current, stoppingToken);
                await store.TrunkHealth.WaitAsync(seen, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        await Task.WhenAll(_captures).ConfigureAwait(false);
    }

    private void Check(PbxSnapshot snapshot, CancellationToken ct)
    {
        _captures.RemoveAll(t => t.IsCompleted);
        var trunks = new HashSet<string>(settings.Doctor.TrunkEndpoints.Concat(settings.Trunks.Providers.Select(p => p.Endpoint)), StringComparer.Ordinal);
        foreach (var r in snapshot.Registrations.Values)
        {
            var trunk = r.Endpoint.Length > 0 ? r.Endpoint : r.Name;
            trunks.Add(trunk);
            var was = _registered.TryGetValue(r.Name, out var w) ? w : (bool?)null;
            _registered[r.Name] = r.IsRegistered;
            var failed = !r.IsRegistered && (was == true || (was is null && r.Status.Equals("Rejected", StringComparison.OrdinalIgnoreCase)));
            if (failed)
            {
                Start(trunk, SipUri.Host(r.ServerUri), $"registration {r.Name} {r.Status}", ct);
            }
        }
        foreach (var e in snapshot.Endpoints.Values.Where(e => trunks.Contains(e.Name)))
        {
            var was = _reachable.TryGetValue(e.Name, out var w) ? w : (bool?)null;
            _reachable[e.Name] = e.IsReachable;
            if (was != false && !e.IsReachable && e.Contacts.Values.FirstOrDefault() is { } contact)
            {
                Start(e.Name, SipUri.Host(contact.Uri), $"endpoint {e.Name} unreachable", ct);
            }
        }
    }

    private void Start(string trunk, string host, string reason, CancellationToken ct) =>
        _captures.Add(CaptureAsync(trunk, host, reason, ct));

    private async Task CaptureAsync(string trunk, string host, string reason, CancellationToken ct)
    {
        try
        {
            await recorder.CaptureAsync(trunk, host, reason, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping; the recorder switched the logger off.
        }
    }
}
