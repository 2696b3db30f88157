using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Tests.Cli;

/// <summary>
/// An HTTP server on a loopback port that answers the agent's API paths with canned JSON and records what it was
/// sent: the CLI against the shapes of agents newer (or older) than the one in this build.
/// </summary>
internal sealed class FakeAgentApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeAgentApi(WebApplication app, Dictionary<string, string> answers)
    {
        _app = app;
        Answers = answers;
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>"METHOD /path" → the JSON answered (200); anything else is 404.</summary>
    public Dictionary<string, string> Answers { get; }

    /// <summary>Each request as "METHOD /path body".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public string Url { get; }

    public static async Task<FakeAgentApi> StartAsync(Dictionary<string, string> answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeAgentApi? api = null;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            var key = $"{ctx.Request.Method} {ctx.Request.Path}";
            api!.Requests.Enqueue($"{key} {body}".TrimEnd());
            if (api.Answers.TryGetValue(key, out var json))
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(json);
            }
            else
            {
                ctx.Response.StatusCode = 404;
            }
        });
        await app.StartAsync();
        api = new FakeAgentApi(app, answers);
        return api;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
