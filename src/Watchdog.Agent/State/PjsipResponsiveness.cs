using Watchdog.Ami;

namespace Watchdog.Agent.State;

/// <summary>Whether Asterisk's PJSIP stack answers AMI (a fake in tests).</summary>
public interface IPjsipProbe
{
    /// <summary>
    /// False when a PJSIP action (<c>PJSIPShowRegistrationsOutbound</c>, <c>PJSIPShowEndpoints</c>, …) got no reply in
    /// time while AMI itself stayed logged in — its pings answered, so the manager is alive and PJSIP is stuck.
    /// True otherwise (answered, or nothing to go on).
    /// </summary>
    Task<bool> AnsweringAsync(CancellationToken ct);
}

/// <summary>
/// <see cref="IPjsipProbe"/> from what the agent sees: the resync's PJSIP actions report here (<see cref="Observe"/>);
/// when nothing was seen for <see cref="MaxAge"/>, one <c>PJSIPShowRegistrationsOutbound</c> is sent to ask. A
/// timeout counts only while the client is still logged in (a ping timeout ends the session instead: the hung-Asterisk
/// case); a new session forgets the last one's answer.
/// </summary>
public sealed class PjsipResponsiveness(AmiClient client, TimeProvider time) : IPjsipProbe
{
    /// <summary>How long an observation stands before the probe asks again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private (DateTimeOffset At, bool Answered, string Action)? _last;

    /// <summary>The last observation (for logs and tests): when, whether it was answered, and which action.</summary>
    public (DateTimeOffset At, bool Answered, string Action)? Last
    {
        get
        {
            lock (_gate) return _last;
        }
    }

    /// <summary>Records a PJSIP action's fate; a timeout is recorded only while AMI is logged in.</summary>
    public void Observe(string action, bool timedOut)
    {
        if (timedOut && client.State != AmiConnectionState.LoggedIn)
        {
            return;
        }

        lock (_gate) _last = (time.GetUtcNow(), !timedOut, action);
    }

    /// <summary>The AMI session ended: what it saw says nothing about the next one.</summary>
    public void Reset()
    {
        lock (_gate) _last = null;
    }

    /// <inheritdoc />
    public async Task<bool> AnsweringAsync(CancellationToken ct)
    {
        if (Last is { } last && time.GetUtcNow() - last.At < MaxAge)
        {
            return last.Answered;
        }

        if (client.State != AmiConnectionState.LoggedIn)
        {
            return true; // no session: nothing to say about PJSIP
        }

        var action = AmiActions.PJSIPShowRegistrationsOutbound();
        try
        {
            await client.SendAsync(action, ct).ConfigureAwait(false);
            Observe(action.Name, timedOut: false);
            return true;
        }
        catch (AmiActionTimeoutException) when (client.State == AmiConnectionState.LoggedIn)
        {
            Observe(action.Name, timedOut: true);
            return false;
        }
        catch (AmiException)
        {
            return true; // the session ended under us: not PJSIP's fault as far as we know
        }
    }
}
