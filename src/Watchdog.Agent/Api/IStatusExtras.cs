namespace Watchdog.Agent.Api;

/// <summary>What the host adds to the status document beyond the PBX snapshot (bans, actions, causes).</summary>
public interface IStatusExtras
{
    /// <summary>Fills in the extra parts of <paramref name="document"/>.</summary>
    ValueTask<StatusDocument> CompleteAsync(StatusDocument document, CancellationToken ct);
}
