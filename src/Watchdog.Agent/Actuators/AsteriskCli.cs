using Microsoft.Extensions.Logging;
using Watchdog.Ami;
using Log = Watchdog.Agent.LogMessages;

namespace Watchdog.Agent.Actuators;

/// <summary>Runs an Asterisk CLI command (the diagnosis only switches the pjsip logger).</summary>
public interface IAsteriskCli
{
    /// <summary>Runs <paramref name="command"/>; false when Asterisk refused it or could not be asked.</summary>
    Task<bool> RunAsync(string command, CancellationToken ct);
}

/// <summary><see cref="IAsteriskCli"/> through AMI's <c>Command</c> action.</summary>
public sealed class AmiAsteriskCli(AmiClient client, ILogger<AmiAsteriskCli> logger) : IAsteriskCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async Task<bool> RunAsync(string command, CancellationToken ct)
    {
        try
        {
            var response = await client.SendAsync(AmiActions.Command(command), ct, Timeout).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                Log.EvidenceCommandFailed(logger, command, response.Text ?? response.Status.ToString());
            }
            return response.IsSuccess;
        }
        catch (AmiException e)
        {
            Log.EvidenceCommandFailed(logger, command, e.Message);
            return false;
        }
    }
}
