using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Ami.Protocol;

namespace Watchdog.Ami;

/// <summary>
/// A resilient client of the Asterisk Manager Interface. <see cref="RunAsync"/> keeps a session up:
/// connect, read the banner, log in (MD5 challenge or plain), ping on an interval, and on any loss
/// reconnect with exponential back-off and jitter (a refused login waits
/// <see cref="AmiClientOptions.AuthFailureRetryDelay"/> instead of hammering Asterisk). Live events
/// are delivered by an <see cref="EventDispatcher"/>: on the reading loop itself while observers keep
/// up, through a bounded queue when one makes it wait; when that is full they are dropped, counted in
/// <see cref="DroppedEvents"/>, and observers are told to resynchronise.
/// </summary>
public sealed class AmiClient : IAsyncDisposable
{
    private readonly AmiClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly AmiMessagePool _pool;
    private readonly EventDispatcher _dispatcher;
    private readonly CancellationTokenSource _disposed = new();
    private TaskCompletionSource _loggedIn = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AmiConnection? _connection;
    private volatile AmiConnectionState _state;
    private long _reconnects;
    private bool _everLoggedIn;
    private int _running;
    private Task _run = Task.CompletedTask;

    /// <summary>Creates a client; nothing happens until <see cref="RunAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public AmiClient(AmiClientOptions options, ILogger<AmiClient>? logger = null, TimeProvider? time = null, Random? random = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid AMI options: " + string.Join(" ", problems), nameof(options));
        }
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay, 0.2, random);
        _pool = new AmiMessagePool(options.EventQueueCapacity + 64, new AmiNameTable());
        _dispatcher = new EventDispatcher(new EventQueue(options.EventQueueCapacity, _pool), _logger);
    }

    /// <summary>The current connection state.</summary>
    public AmiConnectionState State => _state;

    /// <summary>The AMI banner of the current session, if any.</summary>
    public string? Banner => _connection?.Banner;

    /// <summary>Where AMI is, as <c>host:port</c>.</summary>
    public string Endpoint => $"{_options.Host}:{_options.Port}";

    /// <summary>When the next connection attempt is due, while disconnected and waiting; null otherwise.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    /// <summary>Events dropped because the observers fell behind, since creation.</summary>
    public long DroppedEvents => _dispatcher.Dropped;

    /// <summary>Socket reads of the current session (zero when not connected): how often the reader woke up.</summary>
    public long SocketReads => _connection?.Reads ?? 0;

    /// <summary>Successful logins after the first one.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Time since the current session last received a message; null when not connected.</summary>
    public TimeSpan? SinceLastReceived => _connection?.SinceLastReceived;

    /// <summary>Adds an observer of events and state changes. Dispose the result to remove it.</summary>
    public IDisposable Subscribe(IAmiEventObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _dispatcher.Subscribe(observer);
        return new Subscription(_dispatcher, observer);
    }

    /// <summary>Completes once the client is logged in (immediately if it is).</summary>
    public Task WaitUntilLoggedInAsync(CancellationToken ct) => _loggedIn.Task.WaitAsync(ct);

    /// <summary>Keeps a session up and dispatches events until <paramref name="ct"/> fires. Call once.</summary>
    public Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("AmiClient.RunAsync was already called.");
        }
        return _run = RunCoreAsync(ct);
    }

    /// <summary>Sends an action on the current session and waits for its complete reply.</summary>
    /// <exception cref="AmiConnectionException">Not logged in, or the session ended before the reply.</exception>
    /// <exception cref="AmiActionTimeoutException">No complete reply in time.</exception>
    public Task<AmiResponse> SendAsync(AmiAction action, CancellationToken ct = default, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        var connection = _state == AmiConnectionState.LoggedIn ? _connection : null;
        if (connection is null)
        {
            throw new AmiConnectionException(AmiDisconnectReason.None, $"Cannot send '{action.Name}': not logged in to AMI.");
        }
        return connection.SendAsync(action, timeout ?? _options.ActionTimeout, ct);
    }

    /// <summary>Runs a CLI command through the <c>Command</c> action and returns its output lines.</summary>
    /// <exception cref="AmiActionFailedException">Asterisk answered with an error.</exception>
    public async Task<IReadOnlyList<string>> CommandAsync(string command, CancellationToken ct = default, TimeSpan? timeout = null)
    {
        var response = await SendAsync(AmiActions.Command(command), ct, timeout).ConfigureAwait(false);
        return response.EnsureSuccess().Output;
    }

    /// <summary>Stops the client: logs off if logged in and closes the session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }
        await _disposed.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }
        _disposed.Dispose();
    }

    private async Task RunCoreAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposed.Token);
        var token = linked.Token;
        _dispatcher.Start(token);
        try
        {
            await ConnectionLoopAsync(token).ConfigureAwait(false);
        }
        finally
        {
            await _dispatcher.WaitIdleAsync().ConfigureAwait(false);
        }
    }

    private async Task ConnectionLoopAsync(CancellationToken ct)
    {
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            AmiConnectionException ended;
            TimeSpan? wait = null;
            bool? shutdownRestart = null;
            AmiConnection? connection = null;
            try
            {
                await PublishAsync(new AmiConnectionStateChange(AmiConnectionState.Connecting), ct).ConfigureAwait(false);
                LogMessages.Connecting(_logger, _options.Host, _options.Port);
                _dispatcher.Hold();
                connection = await AmiConnection.OpenAsync(_options, _pool, _dispatcher, _time, _logger, ct).ConfigureAwait(false);
                LogMessages.Connected(_logger, connection.Banner);
                await PublishAsync(new AmiConnectionStateChange(AmiConnectionState.Connected, Banner: connection.Banner), ct).ConfigureAwait(false);

                var authType = await LoginAsync(connection, ct).ConfigureAwait(false);
                LogMessages.LoggedIn(_logger, _options.Username, authType);
                attempt = 0;
                if (_everLoggedIn)
                {
                    Interlocked.Increment(ref _reconnects);
                }
                _everLoggedIn = true;
                _connection = connection;
                _state = AmiConnectionState.LoggedIn;
                _dispatcher.Release(new AmiConnectionStateChange(AmiConnectionState.LoggedIn, Banner: connection.Banner));
                _loggedIn.TrySetResult();

                using var keepaliveStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var keepalive = KeepaliveAsync(connection, keepaliveStop.Token);
                try
                {
                    ended = await connection.Closed.WaitAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    await keepaliveStop.CancelAsync().ConfigureAwait(false);
                    await keepalive.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                if (connection is not null && _state == AmiConnectionState.LoggedIn)
                {
                    await LogoffAsync(connection).ConfigureAwait(false);
                }
                ended = new AmiConnectionException(AmiDisconnectReason.ClientClosed, "Stopped.");
            }
            catch (AmiAuthenticationException e)
            {
                ended = new AmiConnectionException(AmiDisconnectReason.AuthenticationFailed, e.Message, e);
                wait = _options.AuthFailureRetryDelay;
                LogMessages.AuthenticationFailed(_logger, _options.Username, e.Message, LogMessages.Human(wait.Value));
            }
            catch (AmiActionTimeoutException e)
            {
                ended = new AmiConnectionException(AmiDisconnectReason.LoginTimeout, e.Message, e);
            }
            catch (AmiConnectionException e)
            {
                ended = e;
            }
            finally
            {
                _connection = null;
                if (_loggedIn.Task.IsCompleted)
                {
                    _loggedIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                if (connection is not null)
                {
                    shutdownRestart = connection.ShutdownRestart;
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            var reason = ended.Reason;
            if (reason == AmiDisconnectReason.ClientClosed || ct.IsCancellationRequested)
            {
                _state = AmiConnectionState.Disconnected;
                _dispatcher.Publish(new AmiConnectionStateChange(AmiConnectionState.Disconnected, AmiDisconnectReason.ClientClosed, "Stopped."));
                return;
            }

            LogMessages.Disconnected(_logger, reason, ended.Message);
            try
            {
                await PublishAsync(new AmiConnectionStateChange(AmiConnectionState.Disconnected, reason, ended.Message) { ShutdownRestart = shutdownRestart }, ct).ConfigureAwait(false);
                var delay = wait ?? _backoff.DelayFor(attempt++);
                LogMessages.ReconnectScheduled(_logger, $"{_options.Host}:{_options.Port}", LogMessages.Human(delay), attempt);
                NextAttemptAt = _time.GetUtcNow() + delay;
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                NextAttemptAt = null;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<string> LoginAsync(AmiConnection connection, CancellationToken ct)
    {
        var timeout = _options.ActionTimeout;
        AmiResponse response;
        string authType;
        if (_options.UseMd5Challenge)
        {
            var challenge = await connection.SendAsync(AmiActions.Challenge(), timeout, ct).ConfigureAwait(false);
            if (!challenge.IsSuccess || challenge.Message["Challenge"] is not { Length: > 0 } nonce)
            {
                throw new AmiAuthenticationException(_options.Username, $"MD5 challenge refused ({challenge.Text ?? "no challenge"}); set Ami.UseMd5Challenge=false to log in with the plain secret");
            }
            var key = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(nonce + _options.Secret)));
            response = await connection.SendAsync(AmiActions.LoginMd5(_options.Username, key, _options.Events), timeout, ct).ConfigureAwait(false);
            authType = "md5";
        }
        else
        {
            response = await connection.SendAsync(AmiActions.Login(_options.Username, _options.Secret, _options.Events), timeout, ct).ConfigureAwait(false);
            authType = "plain";
        }

        if (!response.IsSuccess)
        {
            throw new AmiAuthenticationException(_options.Username, response.Text);
        }
        return authType;
    }

    private async Task KeepaliveAsync(AmiConnection connection, CancellationToken ct)
    {
        if (_options.PingInterval <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            while (true)
            {
                await Task.Delay(_options.PingInterval, _time, ct).ConfigureAwait(false);
                await connection.SendAsync(AmiActions.Ping(), _options.PingTimeout, ct).ConfigureAwait(false);
            }
        }
        catch (AmiActionTimeoutException)
        {
            connection.Break(AmiDisconnectReason.PingTimeout, $"Ping unanswered for {_options.PingTimeout.TotalSeconds:0.#} s: Asterisk looks hung.");
        }
        catch (AmiConnectionException)
        {
            // The session ended on its own; the connection loop sees why.
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Session over or client stopping.
        }
    }

    private async Task LogoffAsync(AmiConnection connection)
    {
        try
        {
            await connection.SendAsync(AmiActions.Logoff(), TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
        }
        catch (AmiException)
        {
            // Best effort: the socket is closed right after either way.
        }
    }

    private ValueTask PublishAsync(AmiConnectionStateChange change, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        _state = change.State;
        _dispatcher.Publish(change);
        return ValueTask.CompletedTask;
    }

    private sealed class Subscription(EventDispatcher dispatcher, IAmiEventObserver observer) : IDisposable
    {
        public void Dispose() => dispatcher.Unsubscribe(observer);
    }
}
