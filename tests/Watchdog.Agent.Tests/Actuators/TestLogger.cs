using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Tests;

/// <summary>Captures log events with their structured properties so tests can assert on them.</summary>
internal sealed class TestLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogRecord> Records { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = new Dictionary<string, object?>();
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            foreach (var pair in pairs)
            {
                properties[pair.Key] = pair.Value;
            }
        }

        Records.Enqueue(new LogRecord(logLevel, eventId, formatter(state, exception), properties));
    }
}

internal sealed record LogRecord(LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Properties);
