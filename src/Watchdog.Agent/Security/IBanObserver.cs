namespace Watchdog.Agent.Security;

/// <summary>
/// Told about every ban and unban the <see cref="BanManager"/> decides (e.g. the fleet publisher). Called
/// while the ban pipeline holds its lock: return at once (queue the work), never throw.
/// </summary>
public interface IBanObserver
{
    /// <summary>A ban was applied and recorded (local or remote; see <see cref="BanEntry.Origin"/>).</summary>
    void OnBanned(BanEntry entry);

    /// <summary>A ban was lifted: <paramref name="reason"/> is "expired", "manual", "whitelisted" or "fleet".</summary>
    void OnUnbanned(BanEntry entry, string reason);
}
