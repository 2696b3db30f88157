using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

public class ManagerOtherUsersTests
{
    private const string Conf = """
        [general]
        enabled = yes
        bindaddr = 127.0.0.1

        [watchdog]
        secret = 8c1f0d7e2b4a49f6a3
        read = system,call,security
        write = system,command

        [admin]
        secret = admin
        read = all
        write = all

        [monitor]
        secret = monitor
        read = call
        write =

        [crm]
        secret = 3e9b7c1d5f0a42e8b6
        read = call
        write = originate
        """;

    [Fact(Timeout = 10_000)]
    public async Task An_admin_user_with_secret_admin_and_write_all_is_critical_and_names_its_file()
    {
        await Task.Yield();
        var findings = ManagerAudit.Audit(AsteriskConfig.Parse(Conf, "manager.conf"), "watchdog");

        var admin = Assert.Single(findings, f => f.Id == "manager.other_user.weak" && f.Subject == "manager.conf [admin]");
        Assert.Equal(FindingSeverity.Critical, admin.Severity);
        Assert.DoesNotContain("secret=admin", admin.Found + admin.Fix, StringComparison.Ordinal);
        var monitor = Assert.Single(findings, f => f.Id == "manager.other_user.weak" && f.Subject == "manager.conf [monitor]");
        Assert.Equal(FindingSeverity.Warning, monitor.Severity);
        // A strong secret is not flagged, whatever it may do (its power is the operator's choice).
        Assert.DoesNotContain(findings, f => f.Id == "manager.other_user.weak" && f.Subject.Contains("crm", StringComparison.Ordinal));
    }
}
