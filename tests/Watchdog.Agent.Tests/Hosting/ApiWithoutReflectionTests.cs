using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Api;

namespace Watchdog.Agent.Tests.Hosting;

/// <summary>
/// A Native AOT publish has no reflection-based JSON: every body the API writes or reads must come from
/// <see cref="AgentJsonContext"/>. Here the host's JSON options keep that context alone, so a type missing from it
/// fails the request (an empty 500) as it would under AOT, instead of silently falling back to reflection.
/// </summary>
public class ApiWithoutReflectionTests
{
    private static void GeneratedOnly(IServiceCollection services) =>
        services.PostConfigure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Clear();
            o.SerializerOptions.TypeInfoResolverChain.Add(AgentJsonContext.Default);
        });

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} '{text}'");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Fact(Timeout = 60_000)]
    public async Task Every_endpoint_answers_with_generated_serializers_alone()
    {
        await using var agent = await AgentUnderTest.StartAsync(services: GeneratedOnly);
        var http = agent.Http;

        var status = await JsonAsync(await http.GetAsync("/api/status"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.String, status.GetProperty("ami").GetProperty("state").ValueKind);
        Assert.Equal(JsonValueKind.False, status.GetProperty("maintenance").GetProperty("active").ValueKind);
        Assert.Equal(JsonValueKind.Array, (await JsonAsync(await http.GetAsync("/api/evidence"), HttpStatusCode.OK)).ValueKind);

        var banned = await JsonAsync(await http.PostAsJsonAsync("/api/bans", new { address = "203.0.113.9", durationSeconds = 60 }), HttpStatusCode.OK);
        Assert.Equal("Banned", banned.GetString()); // enums as names, as before
        var list = await JsonAsync(await http.GetAsync("/api/bans"), HttpStatusCode.OK);
        Assert.Equal("203.0.113.9", list[0].GetProperty("address").GetString());
        Assert.Equal("Manual", list[0].GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Array, (await JsonAsync(await http.GetAsync("/api/bans/whitelist"), HttpStatusCode.OK)).GetProperty("networks").ValueKind);
        Assert.Equal(JsonValueKind.Array, (await JsonAsync(await http.GetAsync("/api/bans/failures"), HttpStatusCode.OK)).ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/bans/203.0.113.9")).StatusCode);

        var problem = await JsonAsync(await http.PostAsJsonAsync("/api/bans", new { address = "not-an-ip" }), HttpStatusCode.BadRequest);
        Assert.Equal("'not-an-ip' is not an IP address", problem.GetProperty("detail").GetString());

        var on = await JsonAsync(await http.PostAsJsonAsync("/api/maintenance", new { durationSeconds = 600, reason = "aot" }), HttpStatusCode.OK);
        Assert.True(on.GetProperty("active").GetBoolean());
        Assert.Equal("aot", on.GetProperty("reason").GetString());
        var off = await JsonAsync(await http.DeleteAsync("/api/maintenance"), HttpStatusCode.OK);
        Assert.False(off.GetProperty("active").GetBoolean());
        var refused = await JsonAsync(await http.PostAsJsonAsync("/api/maintenance", new { durationSeconds = -1 }), HttpStatusCode.BadRequest);
        Assert.Contains("durationSeconds", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
