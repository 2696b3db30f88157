using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Watchdog.Cli;

/// <summary>The running agent's HTTP API, as the CLI uses it.</summary>
internal sealed class AgentClient : IDisposable
{
    /// <summary>Where the agent listens unless told otherwise (the default <c>Api:ListenUrl</c>).</summary>
    public const string DefaultUrl = "http://127.0.0.1:9105";

    private readonly HttpClient _http;

    public AgentClient(Uri baseAddress, TimeSpan timeout)
    {
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
    }

    public Uri BaseAddress { get; }

    /// <summary>Parses <c>--url</c>: an absolute http(s) URL.</summary>
    public static bool TryParseUrl(string text, out Uri url)
    {
        url = null!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        // A base with a path (behind a proxy) must end in '/' for the API paths to resolve under it.
        url = uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.OriginalString + "/");
        return true;
    }

    /// <summary><c>GET /api/status</c>: the raw JSON text.</summary>
    public async Task<string> StatusJsonAsync(CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/status"), ct);
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary><c>GET path</c>: the raw JSON text.</summary>
    public async Task<string> GetJsonAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary><c>GET path</c>, or null when the agent does not have that endpoint (an older agent).</summary>
    public async Task<string?> GetJsonOrNullAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
            && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return null;
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary><c>method path</c> with a JSON body; the answer's text (empty for 204).</summary>
    public async Task<string> SendJsonAsync<T>(HttpMethod method, string path, T? body, JsonTypeInfo<T> type, CancellationToken ct) where T : class
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, type) };
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary><c>POST /api/bans</c>: the agent's answer as it is (a result name, or an object with the real <c>until</c>).</summary>
    public Task<string> BanAsync(IPAddress address, TimeSpan? duration, bool fleet, CancellationToken ct) =>
        SendJsonAsync(HttpMethod.Post, "api/bans", new BanBody(address.ToString(), duration?.TotalSeconds, fleet), CliJsonContext.Default.BanBody, ct);

    /// <summary><c>DELETE /api/bans/{ip}</c>: false when the address was not banned.</summary>
    public async Task<bool> UnbanAsync(IPAddress address, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/bans/{Uri.EscapeDataString(address.ToString())}"), ct);
        if (response.StatusCode == HttpStatusCode.NotFound && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return false;
        await EnsureSuccessAsync(response, ct);
        return true;
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                throw new AgentUnreachableException(BaseAddress, e.InnerException?.Message ?? e.Message);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new AgentUnreachableException(BaseAddress, $"no answer within {_http.Timeout.TotalSeconds:0} s");
            }
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        string? detail = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            try
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                if (problem.RootElement.TryGetProperty("detail", out var d)) detail = d.GetString();
            }
            catch (JsonException)
            {
                // A malformed problem body: the status code alone still says what happened.
            }
        }
        throw new AgentRefusedException((int)response.StatusCode, detail ?? response.ReasonPhrase ?? "error");
    }
}

/// <summary>Nothing answered at the agent's address: exit code 2.</summary>
internal sealed class AgentUnreachableException(Uri url, string reason)
    : Exception($"agent not reachable at {url.OriginalString.TrimEnd('/')}: {reason}");

/// <summary>The agent answered with an error (e.g. bans disabled): exit code 1.</summary>
internal sealed class AgentRefusedException(int status, string detail)
    : Exception($"the agent refused ({status}): {detail}");
