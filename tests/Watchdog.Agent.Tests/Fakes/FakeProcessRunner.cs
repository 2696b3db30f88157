using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Tests;

/// <summary>Answers every run with a fixed result and records what was asked for.</summary>
internal sealed class FakeProcessRunner(ProcessResult result) : IProcessRunner
{
    public List<ProcessSpec> Runs { get; } = [];

    public static FakeProcessRunner Printing(string output) =>
        new(new ProcessResult(ProcessOutcome.Exited, 0, output, "", TimeSpan.FromMilliseconds(5)));

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        Runs.Add(spec);
        return Task.FromResult(result);
    }

    public IAsyncEnumerable<string> StreamLinesAsync(ProcessSpec spec, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the doctor only runs commands to completion");
}
