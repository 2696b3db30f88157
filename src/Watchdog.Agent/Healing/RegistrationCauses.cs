using System.Collections.Concurrent;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Healing;

/// <summary>The last failure Asterisk logged for a registration: the cause AMI never gives.</summary>
public sealed record RegistrationFailure(string Cause, bool Permanent, DateTimeOffset At);

/// <summary>
/// Remembers, per registration, the last failure read from Asterisk's log (which names URIs, not
/// registrations). Cleared when the registration comes back.
/// </summary>
public sealed class RegistrationCauses(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RegistrationFailure> _byClientUri = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _nameByClientUri = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, RegistrationFailure> _lastByClientUri = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records a failure line.</summary>
    public void Record(RegistrationFailureLogged failure)
    {
        var f = new RegistrationFailure(failure.Cause, failure.Permanent, time.GetUtcNow());
        _byClientUri[failure.ClientUri] = f;
        _lastByClientUri[failure.ClientUri] = f;
    }

    /// <summary>The last failure ever recorded for a registration by name, kept after it recovered (for status).</summary>
    public RegistrationFailure? LastEver(string registration) =>
        _nameByClientUri.Where(kv => kv.Value == registration).Select(kv => _lastByClientUri.GetValueOrDefault(kv.Key)).FirstOrDefault(f => f is not null);

    /// <summary>Teaches which registration a client URI belongs to (for <see cref="Latest"/>).</summary>
    public void Learn(string registration, string clientUri)
    {
        if (clientUri.Length > 0) _nameByClientUri[clientUri] = registration;
    }

    /// <summary>The last failure recorded for a registration by name, whatever its age.</summary>
    public RegistrationFailure? Latest(string registration) =>
        _nameByClientUri.Where(kv => kv.Value == registration).Select(kv => _byClientUri.GetValueOrDefault(kv.Key)).FirstOrDefault(f => f is not null);

    /// <summary>The last failure of a registration, matched by its client URI.</summary>
    public RegistrationFailure? For(RegistrationObservation registration)
    {
        Learn(registration.Name, registration.ClientUri);
        // A failure logged well before the current outage began belongs to an earlier one.
        return registration.ClientUri.Length > 0 && _byClientUri.TryGetValue(registration.ClientUri, out var f)
            && f.At >= registration.Since.AddSeconds(-5)
            ? f
            : null;
    }

    /// <summary>
    /// Forgets a registration's failure once it is registered again — only a failure from before it came back: the log
    /// and AMI are read apart, so the line of the next failure can arrive while AMI still says "Registered".
    /// </summary>
    public void Clear(RegistrationObservation registration)
    {
        if (_byClientUri.TryGetValue(registration.ClientUri, out var f) && f.At <= registration.Since)
        {
            _byClientUri.TryRemove(KeyValuePair.Create(registration.ClientUri, f));
        }
    }
}
