namespace Watchdog.Agent.Healing;

/// <summary>Whether actuators may act now. Every actuator path (healing and bans) asks it.</summary>
public interface IActuatorGate
{
    /// <summary>True while every actuator is paused (maintenance); observing goes on.</summary>
    bool Paused { get; }
}

/// <summary>The maintenance switch as <c>/api/status</c> shows it.</summary>
/// <param name="Active">Whether maintenance is on now.</param>
/// <param name="Until">When it ends by itself; null: until switched off.</param>
/// <param name="Reason">What the operator said, if anything.</param>
public sealed record MaintenanceState(bool Active, DateTimeOffset? Until, string? Reason)
{
    /// <summary>Off.</summary>
    public static MaintenanceState Off { get; } = new(false, null, null);
}

/// <summary>
/// The maintenance switch: while on, healing and bans are paused (the agent keeps observing, counting and
/// alerting); it ends by itself at its deadline. Switched through <c>POST</c>/<c>DELETE /api/maintenance</c>.
/// </summary>
public sealed class MaintenanceMode(TimeProvider time) : IActuatorGate
{
    private readonly Lock _gate = new();
    private MaintenanceState _state = MaintenanceState.Off;

    /// <summary>The state now (an expired maintenance reads as off).</summary>
    public MaintenanceState Current
    {
        get
        {
            lock (_gate)
            {
                if (_state.Active && _state.Until is { } until && time.GetUtcNow() >= until)
                {
                    _state = MaintenanceState.Off;
                }
                return _state;
            }
        }
    }

    /// <inheritdoc />
    public bool Paused => Current.Active;

    /// <summary>Switches maintenance on for <paramref name="duration"/> (null: until switched off).</summary>
    public MaintenanceState On(TimeSpan? duration, string? reason)
    {
        if (duration is { } d && d <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "Must be positive.");
        var reasonText = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reasonText is { Length: > 200 }) reasonText = reasonText[..200];
        lock (_gate)
        {
            _state = new MaintenanceState(true, duration is { } span ? time.GetUtcNow() + span : null, reasonText);
            return _state;
        }
    }

    /// <summary>Switches maintenance off.</summary>
    public void Off()
    {
        lock (_gate) _state = MaintenanceState.Off;
    }
}
