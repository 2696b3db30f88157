using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary>One range a trunk's provider sends from (from <c>Diagnosis:Trunks:Providers</c>, the one place it is configured).</summary>
/// <param name="Trunk">The trunk endpoint, e.g. <c>mango-trunk</c>.</param>
/// <param name="Range">The provider's range.</param>
public sealed record ProviderNetwork(string Trunk, IPNetwork Range);

/// <summary>A SIP request from a provider range that matched no endpoint (an <c>InvalidAccountID</c> security event).</summary>
/// <param name="Address">The provider's address, as Asterisk's security event gives it.</param>
/// <param name="Trunk">The trunk whose provider range holds it.</param>
/// <param name="At">When it was seen.</param>
public sealed record UnmatchedProviderRequest(IPAddress Address, string Trunk, DateTimeOffset At);

/// <summary>
/// The bounded hand-over from the ban path (which runs inside the AMI observer and the log tailers, and must return at
/// once) to the trunk diagnosis, which reads pjsip.conf and alerts on its own task. When full, new requests are
/// dropped: the diagnosis alerts once per address anyway.
/// </summary>
public sealed class ProviderRequestQueue
{
    private readonly Channel<UnmatchedProviderRequest> _channel =
        Channel.CreateBounded<UnmatchedProviderRequest>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Offers a request; false when the queue is full.</summary>
    public bool TryWrite(UnmatchedProviderRequest request) => _channel.Writer.TryWrite(request);

    /// <summary>The requests, for the one consumer.</summary>
    public ChannelReader<UnmatchedProviderRequest> Reader => _channel.Reader;
}

/// <summary>
/// Sits in front of the <see cref="BanManager"/>: a SIP security event from inside a trunk provider's range is never an
/// authentication failure. The provider sending from a new address of its range shows up as <c>InvalidAccountID</c>
/// (Asterisk's "No matching endpoint found"); that is a configuration fault on our side — the trunk's
/// <c>identify</c> lacks the address — so it goes to the trunk diagnosis (an alert with the exact <c>match=</c> fix)
/// and is neither counted nor banned. Every other failure passes through unchanged.
/// </summary>
public sealed class ProviderTrafficFilter(
    IReadOnlyList<ProviderNetwork> providers,
    IAuthFailureSink inner,
    ProviderRequestQueue? diagnosis,
    ILogger<ProviderTrafficFilter> logger) : IAuthFailureSink
{
    /// <inheritdoc />
    public ValueTask RecordFailureAsync(AuthFailure failure, CancellationToken cancellationToken)
    {
        if (failure.Source != AttackSource.Sip || ProviderOf(failure.Address) is not { } provider)
        {
            return inner.RecordFailureAsync(failure, cancellationToken);
        }

        var address = IpLiteral.Normalize(failure.Address);
        LogMessages.ProviderRequestNotAFailure(logger, failure.Kind, address.ToString(), provider.Range.ToString(), provider.Trunk);
        if (failure.Kind == "InvalidAccountID" && diagnosis is not null && !diagnosis.TryWrite(new UnmatchedProviderRequest(address, provider.Trunk, failure.At)))
        {
            LogMessages.ProviderRequestDropped(logger, address.ToString());
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The provider range holding <paramref name="address"/> (IPv4-mapped counts as IPv4), or null.</summary>
    public ProviderNetwork? ProviderOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpLiteral.Normalize(address);
        foreach (var provider in providers)
        {
            if (provider.Range.Contains(address))
            {
                return provider;
            }
        }

        return null;
    }
}
