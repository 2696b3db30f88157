using System.Globalization;
using Watchdog.Ami;

namespace Watchdog.Simulator;

/// <summary>
/// The side effects of actions (a re-register, a module reload, a restart command, a REGISTER attempt);
/// the replies' bytes are rendered by <see cref="PbxReplies"/>.
/// </summary>
public sealed partial class AmiSimulator
{
    /// <summary>The built-in answers, from the model. Several messages for event lists.</summary>
    internal IEnumerable<AmiWire> Answer(string action, AmiMessage m, string? id)
    {
        lock (Pbx.Gate)
        {
            switch (action.ToLowerInvariant())
            {
                case "corestatus": return [PbxReplies.CoreStatus(Pbx, id)];
                case "coresettings": return [PbxReplies.CoreSettings(Pbx, id)];
                case "pjsipshowregistrationsoutbound": return [.. PbxReplies.RegistrationsOutbound(Pbx, id)];
                case "pjsipshowendpoints": return [.. PbxReplies.Endpoints(Pbx, id)];
                case "pjsipshowcontacts": return [.. PbxReplies.Contacts(Pbx, id)];
                case "pjsipshowaors": return [.. PbxReplies.Aors(Pbx, id)];
                case "coreshowchannels": return [.. PbxReplies.Channels(Pbx, id, _time.GetUtcNow())];
                case "pjsipshowendpoint":
                    return PbxReplies.Endpoint(Pbx, m["Endpoint"], id) is { } detail
                        ? [.. detail]
                        : [PbxReplies.NoSuchEndpoint(m["Endpoint"], id)];
                case "pjsipregister":
                    return Reregister(m["Registration"], id);
                case "moduleload" when string.Equals(m["LoadType"], "reload", StringComparison.OrdinalIgnoreCase):
                    return ReloadModule(m["Module"], id, "Module reloaded.");
                case "reload":
                    return ReloadModule(m["Module"], id, "Module Reloaded");
                case "command":
                    return [Command(m["Command"] ?? "", id)];
                default:
                    return [PbxReplies.UnknownAction(action, id)];
            }
        }
    }

    private IEnumerable<AmiWire> Reregister(string? name, string? id)
    {
        var r = Pbx.Registrations.FirstOrDefault(x => x.Name == name);
        if (r is null)
        {
            return [PbxReplies.NoSuchRegistration(name, id)];
        }
        // Asterisk answers first, then sends Unregistered and the outcome of the new REGISTER.
        _ = Task.Run(() =>
        {
            SetRegistrationStatus(r.Name, "Unregistered");
            AttemptRegistration(r, permanent: false);
        });
        return [PbxReplies.ReregistrationSent(id)];
    }

    private IEnumerable<AmiWire> ReloadModule(string? module, string? id, string message)
    {
        var name = module ?? "";
        if (!name.StartsWith("res_pjsip", StringComparison.Ordinal) && name != "")
        {
            return [PbxReplies.ModuleNotLoaded(id)];
        }
        Pbx.ReloadedAt = _time.GetUtcNow();
        _ = Task.Run(() =>
        {
            Broadcast(PbxReplies.ReloadEvent(name), "system");
            foreach (var r in Pbx.Registrations.ToArray())
            {
                if (r.Status != "Registered")
                {
                    AttemptRegistration(r, permanent: false);
                }
            }
        });
        return [PbxReplies.Message(id, message)];
    }

    private AmiWire Command(string command, string? id)
    {
        var reply = PbxReplies.CommandFollows(id);
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (string.Join(' ', words))
        {
            case "module reload res_pjsip.so":
            case "module reload res_pjsip":
                ReloadModule("res_pjsip.so", null, "");
                return reply.Add("Output", "Module 'res_pjsip.so' reloaded successfully.");
            case "core restart when convenient":
            case "core restart gracefully":
            case "core restart now":
                _ = Task.Run(() => RestartAsync(TimeSpan.FromMilliseconds(300)));
                return reply;
            case "pjsip show registrations":
                return PbxReplies.ShowRegistrations(reply, Pbx);
            case "core show version":
                return reply.Add("Output", $"Asterisk {Pbx.AsteriskVersion} built by root @ sim on a x86_64 running Linux");
            default:
                return reply.Add("Output", $"No such command '{command}' (type 'core show help {command}' for other possible commands)");
        }
    }

    /// <summary>
    /// When <see cref="RetriesLikeAsterisk"/>: a registration that is not registered is tried again every
    /// retry interval (the forbidden one after a 403), with the log line and <c>Registry</c> event of each
    /// attempt — until an attempt succeeds or Asterisk gave up (permanent).
    /// </summary>
    private void ScheduleRetry(SimRegistration r, bool permanent)
    {
        if (!RetriesLikeAsterisk || permanent)
        {
            return;
        }
        var seconds = r.Registrar == RegistrarBehaviour.Forbids ? r.ForbiddenRetryInterval : r.RetryInterval;
        if (seconds <= 0)
        {
            return;
        }
        lock (_retries)
        {
            if (_retries.ContainsKey(r.Name)) return;
            _retries[r.Name] = _time.CreateTimer(_ =>
            {
                lock (_retries)
                {
                    if (_retries.Remove(r.Name, out var timer)) timer.Dispose();
                }
                if (r.Status != "Registered") AttemptRegistration(r, permanent: false);
            }, null, TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan);
        }
    }

    private readonly Dictionary<string, ITimer> _retries = new(StringComparer.Ordinal);

    private void AttemptRegistration(SimRegistration r, bool permanent)
    {
        switch (r.Registrar)
        {
            case RegistrarBehaviour.Accepts:
                SetRegistrationStatus(r.Name, "Registered");
                break;
            case RegistrarBehaviour.Forbids:
                AppendLog("WARNING", "res_pjsip_outbound_registration.c", permanent
                    ? $"Fatal response '403' received from '{r.ServerUri}' on registration attempt to '{r.ClientUri}', stopping outbound registration"
                    : $"403 Forbidden fatal response received from '{r.ServerUri}' on registration attempt to '{r.ClientUri}', retrying in '{r.ForbiddenRetryInterval}' seconds");
                SetRegistrationStatus(r.Name, "Rejected");
                ScheduleRetry(r, permanent);
                break;
            case RegistrarBehaviour.Silent:
                AppendLog("WARNING", "res_pjsip_outbound_registration.c", permanent
                    ? $"Maximum retries reached when attempting outbound registration to '{r.ServerUri}' with client '{r.ClientUri}', stopping registration attempt"
                    : $"No response received from '{r.ServerUri}' on registration attempt to '{r.ClientUri}', retrying in '{r.RetryInterval}'");
                SetRegistrationStatus(r.Name, "Rejected");
                ScheduleRetry(r, permanent);
                break;
        }
    }

}
