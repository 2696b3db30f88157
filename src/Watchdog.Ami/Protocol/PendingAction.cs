namespace Watchdog.Ami.Protocol;

/// <summary>An action waiting for its reply (and, for event lists, for the rest of the list).</summary>
internal sealed class PendingAction(string action)
{
    private readonly TaskCompletionSource<AmiResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Action { get; } = action;

    /// <summary>Set once a <c>EventList: start</c> response arrived; the list's events follow.</summary>
    public AmiMessage? ListResponse { get; private set; }

    public List<AmiMessage>? ListEvents { get; private set; }

    public Task<AmiResponse> Task => _completion.Task;

    public void StartList(AmiMessage response)
    {
        ListResponse = response;
        ListEvents = [];
    }

    public bool Complete(AmiResponse response) => _completion.TrySetResult(response);

    public bool Fail(Exception exception) => _completion.TrySetException(exception);
}
