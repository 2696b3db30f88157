using System.Globalization;

namespace Watchdog.Agent.Doctor;

/// <summary>
/// Checks the retry settings of every <c>type=registration</c> in pjsip.conf: the ones that make Asterisk stop
/// registering for good after a provider hiccup.
/// </summary>
/// <remarks>
/// Defaults from docs.asterisk.org, res_pjsip_outbound_registration module configuration (Asterisk 16–20,
/// certified 18.9/20.7): <c>max_retries</c> 10, <c>retry_interval</c> 60, <c>auth_rejection_permanent</c> yes,
/// <c>forbidden_retry_interval</c> 0, <c>fatal_retry_interval</c> 0. What they do, from
/// res/res_pjsip_outbound_registration.c (handle_registration_response, sip_outbound_registration_is_temporal):
/// 408/500/502/503/504/6xx — and 401/407 only when auth_rejection_permanent=no — are "temporal" and retried every
/// retry_interval (never when it is 0) until <c>retries == max_retries</c>, then "Maximum retries reached …
/// stopping registration attempt"; a 403 is retried after forbidden_retry_interval, else after
/// fatal_retry_interval, and any other final error after fatal_retry_interval, each only while
/// <c>retries &lt; max_retries</c>; otherwise "Fatal response … stopping outbound registration". The counter resets
/// only on a 200. A stopped registration stays unregistered until a reload or a PJSIPRegister.
/// </remarks>
public static class RegistrationAudit
{
    /// <summary>Asterisk's default <c>max_retries</c>.</summary>
    public const int DefaultMaxRetries = 10;

    /// <summary>Asterisk's default <c>retry_interval</c> in seconds.</summary>
    public const int DefaultRetryInterval = 60;

    /// <summary>The <c>max_retries</c> the fix suggests: about a week of retries at 60 s.</summary>
    public const int SuggestedMaxRetries = 10000;

    /// <summary>The <c>forbidden_retry_interval</c> the fix suggests (30–60 s: quick enough, not hammering the provider).</summary>
    public const int SuggestedForbiddenRetryInterval = 60;

    // Retrying for less than this before giving up turns one provider outage into a trunk that stays down.
    private static readonly TimeSpan MinimumPersistence = TimeSpan.FromHours(24);

    /// <summary>Findings for every registration in <paramref name="pjsip"/> (none when the file is missing).</summary>
    public static IReadOnlyList<DoctorFinding> Audit(AsteriskConfig? pjsip)
    {
        var findings = new List<DoctorFinding>();
        foreach (var registration in pjsip?.OfType("registration") ?? [])
        {
            Audit(registration, findings);
        }

        return findings;
    }

    private static void Audit(ConfigSection r, List<DoctorFinding> findings)
    {
        var where = r.Location;
        var maxRetries = Number(r, "max_retries", DefaultMaxRetries);
        var retryInterval = Number(r, "retry_interval", DefaultRetryInterval);
        var forbidden = Number(r, "forbidden_retry_interval", 0);
        var fatal = Number(r, "fatal_retry_interval", 0);
        var authPermanent = !IsNo(r.Get("auth_rejection_permanent"));

        if (retryInterval == 0)
        {
            findings.Add(new DoctorFinding("pjsip.registration.retry_interval", FindingSeverity.Warning, where, "retry_interval=0",
                "A single timeout or 5xx from the registrar stops the registration for good: the trunk stays down until a reload.",
                $"In {where} set: retry_interval={DefaultRetryInterval}").At(r));
        }

        var persistence = TimeSpan.FromSeconds((double)maxRetries * Math.Max(retryInterval, 1));
        findings.Add((persistence >= MinimumPersistence
            ? DoctorFinding.Ok("pjsip.registration.max_retries", where, $"max_retries={maxRetries} (retries for {Span(persistence)})")
            : new DoctorFinding("pjsip.registration.max_retries", FindingSeverity.Warning, where,
                $"max_retries={Shown(r, "max_retries", maxRetries)}: Asterisk gives up after {maxRetries} failed attempts, about {Span(persistence)} at retry_interval={retryInterval}",
                "After a provider outage longer than that, the registration stops for good ('Maximum retries reached'): no incoming calls until a reload or a re-register.",
                $"In {where} set: max_retries={SuggestedMaxRetries}")).At(r));

        findings.Add((!authPermanent
            ? DoctorFinding.Ok("pjsip.registration.auth_rejection_permanent", where, "auth_rejection_permanent=no")
            : new DoctorFinding("pjsip.registration.auth_rejection_permanent", FindingSeverity.Warning, where,
                $"auth_rejection_permanent={Shown(r, "auth_rejection_permanent", "yes")}",
                fatal > 0
                    ? $"A 401/407 to the authenticated REGISTER is treated as fatal: retried only every {fatal} s (fatal_retry_interval) instead of retry_interval."
                    : "A single 401/407 to the authenticated REGISTER (a registrar restart, a briefly out-of-sync account) stops the registration for good.",
                $"In {where} set: auth_rejection_permanent=no")).At(r));

        var after403 = forbidden > 0 ? forbidden : fatal;
        findings.Add((after403 > 0
            ? DoctorFinding.Ok("pjsip.registration.forbidden_retry_interval", where,
                forbidden > 0 ? $"forbidden_retry_interval={forbidden}" : $"a 403 is retried after fatal_retry_interval={fatal}")
            : new DoctorFinding("pjsip.registration.forbidden_retry_interval", FindingSeverity.Warning, where,
                $"forbidden_retry_interval={Shown(r, "forbidden_retry_interval", 0)} and fatal_retry_interval={Shown(r, "fatal_retry_interval", 0)}: a 403 is never retried",
                "One 403 Forbidden (a provider's brief block, an account being re-provisioned) stops the registration for good.",
                $"In {where} set: forbidden_retry_interval={SuggestedForbiddenRetryInterval}")).At(r));
    }

    private static int Number(ConfigSection r, string key, int defaultValue) =>
        int.TryParse(r.Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : defaultValue;

    private static string Shown<T>(ConfigSection r, string key, T defaultValue) => r.Get(key) ?? $"(unset, default {defaultValue})";

    private static bool IsNo(string? value) => value is not null && value.Trim().ToLowerInvariant() is "no" or "false" or "off" or "0";

    private static string Span(TimeSpan t) =>
        t.TotalDays >= 2 ? $"{t.TotalDays:0} days" : t.TotalHours >= 2 ? $"{t.TotalHours:0} h" : $"{Math.Max(1, t.TotalMinutes):0} min";
}
