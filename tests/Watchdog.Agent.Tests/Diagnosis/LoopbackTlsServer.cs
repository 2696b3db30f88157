using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// SslStream over a TcpListener on 127.0.0.1:0 presenting one certificate; or, with <c>certificate: null</c>,
/// a server that answers the TLS hello with plain text and hangs up.
/// </summary>
internal sealed class LoopbackTlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackTlsServer(X509Certificate2? certificate)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(certificate);
    }

    public int Port { get; }

    private async Task AcceptAsync(X509Certificate2? certificate)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }

            using (client)
            {
                await ServeAsync(client, certificate);
            }
        }
    }

    private async Task ServeAsync(TcpClient client, X509Certificate2? certificate)
    {
        var stream = client.GetStream();
        if (certificate is null)
        {
            await stream.WriteAsync("SIP/2.0 400 Bad Request\r\n\r\n"u8.ToArray(), _stop.Token);
            return;
        }

        await using var ssl = new SslStream(stream);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _stop.Token);
            var buffer = new byte[256];
            while (await ssl.ReadAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            // The client under test hangs up right after the handshake; that is the expected end.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
