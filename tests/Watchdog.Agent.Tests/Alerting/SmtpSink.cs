using System.Buffers;
using System.Net;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Watchdog.Agent.Tests.Alerting;

/// <summary>A message the sink accepted, with the envelope recipients (RCPT TO) as sent.</summary>
public sealed record ReceivedMail(IReadOnlyList<string> EnvelopeRecipients, MimeMessage Message);

/// <summary>SMTP server on 127.0.0.1 with a random port that keeps what it receives (SmtpServer package).</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Channel<ReceivedMail> _received = Channel.CreateUnbounded<ReceivedMail>();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    private SmtpSink(SmtpServer.SmtpServer server, Task running, int port)
    {
        _server = server;
        _running = running;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the sink; with <paramref name="user"/> set, AUTH is required and only that pair passes.</summary>
    public static async Task<SmtpSink> StartAsync(string? user, string? password, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var options = new SmtpServerOptionsBuilder()
            .ServerName("sink.test")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0))
                .AllowUnsecureAuthentication(user is not null)
                .AuthenticationRequired(user is not null))
            .Build();

        var store = new SinkStore();
        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(store);
        if (user is not null)
        {
            services.Add(new DelegatingUserAuthenticator((u, p) => u == user && p == password));
        }

        var server = new SmtpServer.SmtpServer(options, services);
        var sinkTask = server.StartAsync(CancellationToken.None);
        var port = await started.Task.WaitAsync(cancellationToken);
        var sink = new SmtpSink(server, sinkTask, port);
        store.Owner = sink;
        return sink;
    }

    public async Task<ReceivedMail> NextAsync(CancellationToken cancellationToken) =>
        await _received.Reader.ReadAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class SinkStore : MessageStore
    {
        public SmtpSink? Owner { get; set; }

        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            var recipients = transaction.To.Select(m => $"{m.User}@{m.Host}").ToArray();
            Owner!._received.Writer.TryWrite(new ReceivedMail(recipients, message));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
