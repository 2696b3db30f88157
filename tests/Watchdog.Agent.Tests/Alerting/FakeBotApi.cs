using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Tests.Alerting;

/// <summary>A request the fake Bot API received.</summary>
public sealed record BotApiRequest(string Method, string Path, string ContentType, JsonElement Body)
{
    public string? Field(string name) => Body.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;
}

/// <summary>
/// Telegram Bot API stand-in on 127.0.0.1 with a random port. Answers each request with the next
/// scripted reply (ok by default) and records what it got.
/// </summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<BotApiRequest> _requests = Channel.CreateUnbounded<BotApiRequest>();
    private readonly Queue<(int Status, string Json)> _replies = new();
    private readonly Lock _gate = new();

    private FakeBotApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeBotApi> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeBotApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync(cancellationToken);
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return fake;
    }

    public void ReplyError(int status, string description, int? retryAfter = null)
    {
        var parameters = retryAfter is { } s ? $",\"parameters\":{{\"retry_after\":{s}}}" : "";
        lock (_gate)
        {
            _replies.Enqueue((status, $"{{\"ok\":false,\"error_code\":{status},\"description\":\"{description}\"{parameters}}}"));
        }
    }

    public async Task<BotApiRequest> NextRequestAsync(CancellationToken cancellationToken) =>
        await _requests.Reader.ReadAsync(cancellationToken);

    public bool TryTakeRequest(out BotApiRequest? request) => _requests.Reader.TryRead(out request);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        _requests.Writer.TryWrite(new BotApiRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.ContentType ?? "", body.RootElement.Clone()));
        (int Status, string Json) reply;
        lock (_gate)
        {
            reply = _replies.Count > 0
                ? _replies.Dequeue()
                : (200, "{\"ok\":true,\"result\":{\"message_id\":1,\"date\":0,\"chat\":{\"id\":1,\"type\":\"private\"},\"text\":\"ok\"}}");
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Json, context.RequestAborted);
    }
}
