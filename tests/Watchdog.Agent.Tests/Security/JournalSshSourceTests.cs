using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Security;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Tests.Security;

public class JournalSshSourceTests
{
    private const string Entries = """
        {"__REALTIME_TIMESTAMP":"1795680137000000","_SYSTEMD_UNIT":"ssh.service","SYSLOG_IDENTIFIER":"sshd","_PID":"4242","MESSAGE":"Invalid user admin from 203.0.113.5 port 41000"}
        {"__REALTIME_TIMESTAMP":"1795680138000000","_SYSTEMD_UNIT":"ssh.service","SYSLOG_IDENTIFIER":"sshd","_PID":"4242","MESSAGE":"Failed password for invalid user from 5.6.7.8 from 203.0.113.5 port 41000 ssh2"}
        {"__REALTIME_TIMESTAMP":"1795680139000000","_SYSTEMD_UNIT":"cron.service","SYSLOG_IDENTIFIER":"CRON","_PID":"1","MESSAGE":"Failed password for root from 198.51.100.1 port 22 ssh2"}
        {"__REALTIME_TIMESTAMP":"1795680140000000","_SYSTEMD_UNIT":"ssh.service","SYSLOG_IDENTIFIER":"sshd","_PID":"4243","MESSAGE":[70,97,105,108,101,100,32,112,97,115,115,119,111,114,100,32,102,111,114,32,114,111,111,116,32,102,114,111,109,32,50,48,48,49,58,100,98,56,58,58,57,32,112,111,114,116,32,50,50,32,115,115,104,50]}
        not json at all
        {"__REALTIME_TIMESTAMP":"1795680141000000","_SYSTEMD_UNIT":"ssh.service","SYSLOG_IDENTIFIER":"sshd","_PID":"4244","MESSAGE":"Accepted password for alice from 192.0.2.1 port 22 ssh2"}
        """;

    [Fact(Timeout = 10_000)]
    public async Task Journalctl_json_lines_become_failures_and_noise_is_ignored()
    {
        var jsonFile = Path.Combine(Path.GetTempPath(), "watchdog-journal-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(jsonFile, Entries + "\n");
        try
        {
            using var journalctl = new StandInExecutable($"cat '{jsonFile}'", "journalctl");
            var sink = new RecordingSink();
            var source = new JournalSshSource(
                new JournalSshOptions { JournalctlPath = journalctl.Path_ },
                new ProcessRunner(TimeProvider.System, NullLogger<ProcessRunner>.Instance),
                sink,
                new FakeTimeProvider(),
                NullLogger<JournalSshSource>.Instance);

            await source.RunOnceAsync(CancellationToken.None);

            Assert.Equal(["203.0.113.5", "203.0.113.5", "2001:db8::9"], sink.Failures.Select(f => f.Address.ToString()));
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795680137), sink.Failures[0].At);
            Assert.Equal(
                ["-f", "-o", "json", "-n", "0", "--no-pager", "-u", "ssh.service", "-u", "sshd.service"],
                Assert.Single(journalctl.Invocations()));
        }
        finally
        {
            File.Delete(jsonFile);
        }
    }

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new JournalSshOptions { JournalctlPath = "journalctl", Units = ["ssh.service", "--all", "a b"], RestartDelay = TimeSpan.Zero }.Validate();
        Assert.Equal(4, problems.Count);
    }
}
