using System.Net;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Fleet;

/// <summary>
/// Applies the fleet's decisions here, with this agent's own rules on top: the signature must be the fleet
/// key's, a decision is applied once and only inside the replay window, at most
/// <see cref="FleetOptions.MaxRemoteBansPerMinute"/> remote bans a minute, and <see cref="BanManager.ApplyRemoteBanAsync"/>
/// refuses whitelisted addresses. On every (re)connect it reads the live bans and then the log from where it stopped.
/// </summary>
public sealed class FleetReceiver
{
    private const int BatchSize = 500;
    private readonly FleetOptions _options;
    private readonly IFleetBroker _broker;
    private readonly FleetSigner _signer;
    private readonly BanManager _bans;
    private readonly FleetMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReplayGuard _replay;
    private readonly RemoteBanLimiter _limiter;
    private readonly SemaphoreSlim _wake = new(0);
    private string? _position;
    private volatile string? _lastError;

    /// <summary>Creates the receiver.</summary>
    public FleetReceiver(FleetOptions options, IFleetBroker broker, FleetSigner signer, BanManager bans, FleetMetrics metrics, TimeProvider time, ILogger logger)
    {
        _options = options;
        _broker = broker;
        _signer = signer;
        _bans = bans;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _replay = new ReplayGuard(options.SeenCapacity, options.ReplayWindow, options.MaxClockSkew);
        _limiter = new RemoteBanLimiter(options.MaxRemoteBansPerMinute);
        broker.Wake += () => _wake.Release();
        broker.Failed += reason => _lastError = reason;
    }

    /// <summary>True while connected and caught up with the log.</summary>
    public bool Connected { get; private set; }

    /// <summary>Since when <see cref="Connected"/> has its value.</summary>
    public DateTimeOffset? Since { get; private set; }

    /// <summary>Why the connection last failed (no secret), if it did.</summary>
    public string? LastError => _lastError;

    /// <summary>Reads the broker until cancelled, catching up after every reconnect.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_broker.IsConnected)
                {
                    if (!Connected)
                    {
                        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
                        SetConnected(true);
                    }

                    await ReadLogAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (Connected)
                {
                    SetConnected(false);
                }
            }
            catch (FleetBrokerException e)
            {
                _lastError = e.Message;
                if (Connected)
                {
                    SetConnected(false);
                }
            }

            // 1-in-flight wake-ups are enough: one read drains everything appended so far.
            await _wake.WaitAsync(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            while (_wake.CurrentCount > 0)
            {
                await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Checks and applies one stored decision; returns the outcome label it was counted under. A <paramref name="live"/>
    /// ban (read from the set of live bans at catch-up) is not held to the replay window, and is not remembered: its
    /// log entry, when read, is.
    /// </summary>
    public async Task<string?> HandleAsync(FleetEnvelope envelope, bool live, CancellationToken cancellationToken)
    {
        var decision = FleetDecision.TryParse(envelope.Fields, out var signature);
        var outcome = decision is null ? (signature.Length == 0 ? "unsigned" : "malformed")
            : signature.Length == 0 ? "unsigned"
            : !_signer.Verify(decision, signature) ? "bad_signature"
            : null;
        if (outcome is null && decision is not null)
        {
            var now = _time.GetUtcNow();
            if (live && (_replay.Seen(decision.Id) || decision.Action != FleetDecision.Ban))
            {
                return null;
            }

            outcome = (live ? ReplayGuard.Verdict.Fresh : _replay.Check(decision.Id, decision.IssuedAt, now)) switch
            {
                ReplayGuard.Verdict.Replayed => "replayed",
                ReplayGuard.Verdict.Stale => "stale",
                _ => decision.Origin == _options.AgentName ? "own" : await ApplyAsync(decision, now, cancellationToken).ConfigureAwait(false),
            };
        }

        outcome ??= "malformed";
        _metrics.Received(outcome);
        if (outcome is "unsigned" or "bad_signature" or "malformed" or "replayed" or "stale")
        {
            LogMessages.FleetRejected(_logger, outcome, envelope.Fields.GetValueOrDefault("origin") ?? "?", envelope.Position.Length > 0 ? envelope.Position : "live set");
        }

        return outcome;
    }

    private async Task<string> ApplyAsync(FleetDecision decision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(decision.Address);
        string outcome;
        if (decision.Action == FleetDecision.Unban)
        {
            outcome = await _bans.ApplyRemoteUnbanAsync(address, cancellationToken).ConfigureAwait(false) ? "unbanned" : "ignored";
        }
        else if (decision.Until <= now)
        {
            outcome = "expired";
        }
        else if (!_limiter.TryAcquire(now))
        {
            outcome = "capped";
        }
        else
        {
            outcome = await _bans.ApplyRemoteBanAsync(address, decision.Source, decision.Reason, decision.Until, decision.Origin, cancellationToken)
                .ConfigureAwait(false) switch
            {
                BanResult.Banned => "applied",
                BanResult.AlreadyBanned => "already_banned",
                BanResult.Whitelisted => "whitelisted",
                _ => "failed",
            };
        }

        LogMessages.FleetApplied(_logger, decision.Action, decision.Address, decision.Origin, outcome);
        return outcome;
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (_position is { } position && await _broker.LastPositionAsync(cancellationToken).ConfigureAwait(false) is var last
            && (last is null || _broker.IsAfter(position, last)))
        {
            LogMessages.FleetLogRecreated(_logger, position);
            _position = null;
        }

        foreach (var envelope in await _broker.ReadActiveAsync(cancellationToken).ConfigureAwait(false))
        {
            await HandleAsync(envelope, live: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadLogAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var since = _time.GetUtcNow() - _options.ReplayWindow;
            var batch = await _broker.ReadLogAsync(_position, since, BatchSize, cancellationToken).ConfigureAwait(false);
            foreach (var envelope in batch)
            {
                await HandleAsync(envelope, live: false, cancellationToken).ConfigureAwait(false);
                _position = envelope.Position;
            }

            if (batch.Count < BatchSize)
            {
                return;
            }
        }
    }

    private void SetConnected(bool connected)
    {
        Connected = connected;
        Since = _time.GetUtcNow();
        _metrics.SetConnected(connected);
        if (connected)
        {
            LogMessages.FleetConnected(_logger, _broker.Description, _options.AgentName);
        }
        else
        {
            LogMessages.FleetDisconnected(_logger, _broker.Description, _lastError ?? "connection lost");
        }
    }
}
