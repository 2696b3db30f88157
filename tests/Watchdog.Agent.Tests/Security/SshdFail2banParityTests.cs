using System.Text;
using Watchdog.Agent.Security;
using Xunit.Abstractions;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

public class SshdFail2banParityTests(ITestOutputHelper output)
{
    /// <summary>
    /// Lines where we deliberately disagree with fail2ban. Real sshd never appends auth info to a
    /// <c>Failed password</c> line, so in "…invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2"
    /// the only text sshd could have produced is a user named "test from 127.0.0.1 port 58946 ssh2:" connecting from
    /// 10.10.1.2. We read the address from the right-hand end, so a user name can never choose who is banned.
    /// </summary>
    private static readonly Dictionary<string, string> KnownDivergences = new()
    {
        ["Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2"] = "10.10.1.2",
    };

    [Theory(Timeout = 10_000)]
    [InlineData("fail2ban-sshd.log")]
    [InlineData("fail2ban-sshd-journal.log")]
    public async Task Default_mode_annotations_are_matched_with_the_right_address(string file)
    {
        await Task.Yield();
        var correlator = new SshdSessionCorrelator();
        var tally = new ParityTally();
        foreach (var line in Fail2banAnnotatedLog.Read(file))
        {
            if (!line.NormalMode)
            {
                tally.OutOfScope++;
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(line.Text);
            var found = SshdLogParser.TryParseLine(bytes, out var record) ? correlator.Process(record)?.ToString() : null;
            var expect = line.Expectation;
            if (expect is null || !expect.Applies)
            {
                tally.OutOfScope++;
                continue;
            }

            var divergent = KnownDivergences.Keys.FirstOrDefault(k => line.Text.EndsWith(k, StringComparison.Ordinal));
            if (divergent is not null)
            {
                Assert.Equal(KnownDivergences[divergent], found);
                output.WriteLine($"line {line.Number}: deliberate divergence, we take {found}: {line.Text}");
                tally.OutOfScope++;
                continue;
            }

            tally.Score(line, expect, found);
        }

        output.WriteLine($"{file}: {tally}");
        foreach (var wrong in tally.Wrong)
        {
            output.WriteLine(wrong);
        }

        Assert.Empty(tally.Wrong);
        Assert.True(tally.IpLiteralExpected > 40, $"too few lines checked: {tally}");
    }
}
