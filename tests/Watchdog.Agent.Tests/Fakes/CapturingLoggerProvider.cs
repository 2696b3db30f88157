using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Tests;

/// <summary>One captured log line with everything that could leak a secret: text, properties, exception.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> Properties, string? Exception)
{
    public object? this[string property] => Properties.FirstOrDefault(p => p.Key == property).Value;

    public string Everything => $"{Category} {Message} {string.Join(" ", Properties.Select(p => $"{p.Key}={p.Value}"))} {Exception}";
}

/// <summary>Logger provider that keeps every line and lets a test await a line instead of sleeping.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly List<(Func<LogEntry, bool> Match, int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public ILogger<T> LoggerFor<T>() => new Logger<T>(new LoggerFactory([this]));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <summary>Completes when at least <paramref name="count"/> lines match, counting lines already seen.</summary>
    public Task WaitForAsync(Func<LogEntry, bool> match, int count = 1, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_entries.Count(match) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, count, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    public Task WaitForEventAsync(int eventId, int count = 1, CancellationToken cancellationToken = default) =>
        WaitForAsync(e => e.EventId.Id == eventId, count, cancellationToken);

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            foreach (var waiter in _waiters.ToArray())
            {
                if (_entries.Count(waiter.Match) >= waiter.Count)
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult();
                }
            }
        }
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            owner.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), properties.ToArray(), exception?.ToString()));
        }
    }
}
