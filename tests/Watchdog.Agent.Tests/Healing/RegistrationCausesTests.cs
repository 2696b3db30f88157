using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Tests.Healing;

/// <summary>The cause of a registration failure comes from the log, its state from AMI: the two arrive in either order.</summary>
public sealed class RegistrationCausesTests
{
    private const string ClientUri = "sip:mango-user@81.88.86.11:5060";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static RegistrationFailureLogged Forbidden() =>
        new(null, "sip:81.88.86.11:5060", ClientUri, RegistrationFailureReason.Forbidden, 403, Permanent: true);

    private RegistrationObservation Registration(bool registered, DateTimeOffset since) =>
        new("mango-registration", registered, registered ? "Registered" : "Rejected", since, ClientUri);

    [Fact]
    public void A_failure_logged_while_ami_still_says_registered_survives_the_recovery_bookkeeping_and_explains_the_outage()
    {
        var causes = new RegistrationCauses(_time);
        var registeredSince = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(1));

        causes.Record(Forbidden());                                   // the log line is read first…
        causes.Clear(Registration(true, registeredSince));           // …while the healer still sees the registration up
        _time.Advance(TimeSpan.FromMilliseconds(200));
        var failure = causes.For(Registration(false, _time.GetUtcNow())); // then AMI says Rejected

        Assert.NotNull(failure);
        Assert.Equal("403", failure.Cause);
        Assert.True(failure.Permanent);
    }

    [Fact]
    public void A_failure_from_before_the_registration_came_back_is_forgotten()
    {
        var causes = new RegistrationCauses(_time);
        causes.Record(Forbidden());
        _time.Advance(TimeSpan.FromSeconds(30));
        var back = _time.GetUtcNow();

        causes.Clear(Registration(true, back));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(causes.For(Registration(false, _time.GetUtcNow())));
        Assert.Equal("403", causes.LastEver("mango-registration")?.Cause);
    }
}
