using System.Text;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

public class SyslogHeaderTests
{
    private static readonly DateTimeOffset Reference = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Nov 26 07:40:01 host sshd[123]: msg", "sshd", 123, "2026-11-26T07:40:01.0000000+00:00")]
    [InlineData("Feb  7 16:01:07 host sshd[5]: msg", "sshd", 5, "2026-02-07T16:01:07.0000000+00:00")]
    [InlineData("Dec 31 23:59:59 host sshd[5]: msg", "sshd", 5, "2025-12-31T23:59:59.0000000+00:00")]
    [InlineData("2026-11-26T07:40:01.123456+00:00 host sshd[123]: msg", "sshd", 123, "2026-11-26T07:40:01.1234560+00:00")]
    [InlineData("2026-11-26T09:40:01+02:00 host sshd-session[9]: msg", "sshd-session", 9, "2026-11-26T07:40:01.0000000+00:00")]
    [InlineData("<38>1 2019-07-08T17:40:16.954167-04:00 h.example.com sshd 57915 - [a b=\"[x]\"][c@1 d=\"e\\\"]\"] msg", "sshd", 57915, "2019-07-08T21:40:16.9541670+00:00")]
    [InlineData("srv sshd[42]: msg", "sshd", 42, null)]
    [InlineData("Mar  3 00:17:22 [sshd]: msg", "sshd", -1, "2026-03-03T00:17:22.0000000+00:00")]
    public void Headers_are_split_and_timestamps_read(string line, string app, int pid, string? time)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.True(SyslogHeader.TryParse(bytes, out var header));
        Assert.Equal(app, Encoding.UTF8.GetString(bytes[header.App]));
        Assert.Equal(pid, header.Pid);
        Assert.Equal("msg", Encoding.UTF8.GetString(bytes[header.MessageStart..]));
        var ok = header.TryGetTimestamp(bytes, Reference, out var timestamp);
        Assert.Equal(time, ok ? timestamp.ToUniversalTime().ToString("O") : null);
    }
}
