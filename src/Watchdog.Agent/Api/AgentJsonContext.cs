using System.Text.Json;
using System.Text.Json.Serialization;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Api;

/// <summary>
/// Every body the HTTP API reads or writes, serialized by generated code instead of reflection, so the API works
/// trimmed and under Native AOT. Web defaults (camelCase) and enums as names, as the API has always answered.
/// A type an endpoint returns must be listed here: under AOT there is no reflection fallback.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusDocument))]
[JsonSerializable(typeof(IReadOnlyList<TrunkEvidence>))]
[JsonSerializable(typeof(IReadOnlyList<BanEntry>))]
[JsonSerializable(typeof(BanRequest))]
[JsonSerializable(typeof(BanResult))]
[JsonSerializable(typeof(WhitelistDocument))]
[JsonSerializable(typeof(List<FailureDocument>))]
[JsonSerializable(typeof(MaintenanceRequest))]
[JsonSerializable(typeof(MaintenanceState))]
// Results.Problem (400, 404) writes through the same options: without this a problem is a bodiless 500 under AOT.
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
