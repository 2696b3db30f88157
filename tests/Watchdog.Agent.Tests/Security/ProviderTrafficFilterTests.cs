using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

public sealed class ProviderTrafficFilterTests
{
    private sealed class RecordingSink : IAuthFailureSink
    {
        public List<AuthFailure> Failures { get; } = [];

        public ValueTask RecordFailureAsync(AuthFailure failure, CancellationToken cancellationToken)
        {
            Failures.Add(failure);
            return ValueTask.CompletedTask;
        }
    }

    private readonly RecordingSink _bans = new();
    private readonly ProviderRequestQueue _queue = new();
    private static readonly DateTimeOffset At = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private ProviderTrafficFilter Filter() => new(
        [new ProviderNetwork("mango-trunk", IPNetwork.Parse("81.88.86.0/24")), new ProviderNetwork("voice-trunk", IPNetwork.Parse("2001:db8:5::/48"))],
        _bans, _queue, NullLogger<ProviderTrafficFilter>.Instance);

    private static AuthFailure Failure(string ip, AttackSource source = AttackSource.Sip, string kind = "InvalidAccountID") =>
        new(source, IPAddress.Parse(ip), At, kind);

    [Theory]
    [InlineData("81.88.86.41", "mango-trunk")]
    [InlineData("::ffff:81.88.86.41", "mango-trunk")]
    [InlineData("2001:db8:5::77", "voice-trunk")]
    public async Task An_unmatched_request_from_a_provider_range_is_a_diagnosis_and_not_a_failure(string ip, string trunk)
    {
        await Filter().RecordFailureAsync(Failure(ip), CancellationToken.None);

        Assert.Empty(_bans.Failures);
        Assert.True(_queue.Reader.TryRead(out var request));
        Assert.Equal(IpLiteral.Normalize(IPAddress.Parse(ip)), request.Address);
        Assert.Equal(trunk, request.Trunk);
    }

    [Fact]
    public async Task Other_sip_failures_from_a_provider_range_are_not_counted_and_not_diagnosed()
    {
        await Filter().RecordFailureAsync(Failure("81.88.86.41", kind: "ChallengeResponseFailed"), CancellationToken.None);

        Assert.Empty(_bans.Failures);
        Assert.False(_queue.Reader.TryRead(out _));
    }

    [Theory]
    [InlineData("81.88.87.1", AttackSource.Sip)]     // the neighbouring /24 is not the provider's
    [InlineData("203.0.113.50", AttackSource.Sip)]
    [InlineData("81.88.86.41", AttackSource.Ssh)]    // sshd is not the trunk: the whitelist decides there
    [InlineData("81.88.86.41", AttackSource.Ami)]
    public async Task Everything_else_reaches_the_ban_path_unchanged(string ip, AttackSource source)
    {
        var failure = Failure(ip, source);
        await Filter().RecordFailureAsync(failure, CancellationToken.None);

        Assert.Equal([failure], _bans.Failures);
        Assert.False(_queue.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_full_queue_drops_diagnoses_and_still_counts_nothing()
    {
        var filter = Filter();
        for (var i = 0; i < 300; i++)
        {
            await filter.RecordFailureAsync(Failure("81.88.86.41"), CancellationToken.None);
        }

        Assert.Empty(_bans.Failures);
        var queued = 0;
        while (_queue.Reader.TryRead(out _)) queued++;
        Assert.Equal(256, queued);
    }
}
