using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Tests.Alerting;

internal static class TestSupport
{
    /// <summary>Every wait in these tests ends by this, so none can hang the run.</summary>
    public static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    public static Alert Lost(string trunk, DateTimeOffset at) => new(AlertKind.RegistrationLost, AlertSeverity.Critical, trunk, at);

    public static Alert Restored(string trunk, DateTimeOffset at) => new(AlertKind.RegistrationRestored, AlertSeverity.Info, trunk, at);

    public static AlertingOptions Options(Action<AlertingOptions>? change = null)
    {
        var options = new AlertingOptions
        {
            GroupWait = TimeSpan.FromSeconds(10),
            DedupWindow = TimeSpan.FromMinutes(15),
            SendTimeout = TimeSpan.FromSeconds(30),
            Retry = new RetryOptions { MaxAttempts = 4, InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(60) },
        };
        change?.Invoke(options);
        return options;
    }

    public static AlertDispatcher Dispatcher(AlertingOptions options, TimeProvider time, CapturingLoggerProvider logs, params INotifier[] notifiers) =>
        new(notifiers, Microsoft.Extensions.Options.Options.Create(options), time, logs.LoggerFor<AlertDispatcher>());
}
