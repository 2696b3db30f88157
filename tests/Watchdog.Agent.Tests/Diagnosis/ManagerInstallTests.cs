using System.Diagnostics;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// The documented manager.conf merge (deploy/install-manager-user.sh, run for real on a copy of a stock manager.conf),
/// then the doctor's manager audit on the result: the agent's user is found through the include, with the least
/// permissions, and there is no second [general].
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ManagerInstallTests : IDisposable
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "deploy", "install-manager-user.sh");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("watchdog-manager-install-");

    public ManagerInstallTests()
    {
        File.Copy(Path.Combine(DoctorFixtures.Root, "stock", "manager.conf"), Conf);
        File.WriteAllText(SecretFile, "Zm9vYmFyLXJhbmRvbS1zZWNyZXQtMjQ=\n");
    }

    private string Conf => Path.Combine(_dir.FullName, "manager.conf");

    private string SecretFile => Path.Combine(_dir.FullName, "ami.secret");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int Exit, string Output, string Error)> Install(params string[] extra)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Script, "--asterisk-dir", _dir.FullName, "--secret-file", SecretFile, .. extra])
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private async Task<IReadOnlyList<DoctorFinding>> Audit() =>
        ManagerAudit.Audit(await AsteriskConfig.LoadAsync(_dir.FullName, "manager.conf", CancellationToken.None), "watchdog");

    [Fact(Timeout = 30_000)]
    public async Task The_merge_of_a_stock_manager_conf_passes_the_doctor_through_the_include()
    {
        var (exit, output, error) = await Install();

        Assert.True(exit == 0, error);
        Assert.Contains("wrote ", output, StringComparison.Ordinal);
        var findings = await Audit();
        Assert.All(findings, f => Assert.True(f.Severity == FindingSeverity.Ok, $"{f.Id}: {f.Found}"));
        Assert.Equal(["manager.enabled", "manager.bindaddr", "manager.read", "manager.write"], findings.Select(f => f.Id));
        var read = Assert.Single(findings, f => f.Id == "manager.read");
        Assert.Equal(("manager.d/watchdog.conf [watchdog]", "manager.d/watchdog.conf"), (read.Subject, read.File));
        var config = (await AsteriskConfig.LoadAsync(_dir.FullName, "manager.conf", CancellationToken.None))!;
        Assert.Single(config.Sections, s => s.Name == "general");
        Assert.Empty(config.MissingIncludes);
        Assert.Equal("Zm9vYmFyLXJhbmRvbS1zZWNyZXQtMjQ=", config.Find("watchdog")!.Get("secret"));
        // The stock lines are kept, as comments, and the rest of [general] is untouched.
        var text = await File.ReadAllTextAsync(Conf);
        Assert.Contains(";watchdog-was: enabled = no", text, StringComparison.Ordinal);
        Assert.Equal("5038", config.Find("general")!.Get("port"));
        Assert.True(File.Exists(Conf + ".before-watchdog"));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_user_gets_exactly_the_classes_the_doctor_requires()
    {
        await Install();

        var user = (await AsteriskConfig.LoadAsync(_dir.FullName, "manager.conf", CancellationToken.None))!.Find("watchdog")!;
        Assert.Equal([.. ManagerAudit.RequiredRead, "security"], user.Get("read")!.Split(','));
        Assert.Equal(ManagerAudit.RequiredWrite, user.Get("write")!.Split(','));
        Assert.Equal("0.0.0.0/0.0.0.0", user.Get("deny"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
            File.GetUnixFileMode(Path.Combine(_dir.FullName, "manager.d", "watchdog.conf")));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_example_in_deploy_holds_the_same_user_and_no_second_general()
    {
        await Install();
        var written = (await AsteriskConfig.LoadAsync(_dir.FullName, "manager.conf", CancellationToken.None))!.Find("watchdog")!;

        var example = AsteriskConfig.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "manager.conf.example")), "manager.conf.example");

        Assert.DoesNotContain(example.Sections, s => s.Name == "general");
        var user = example.Find("watchdog")!;
        Assert.Equal((written.Get("read"), written.Get("write"), written.Get("deny"), written.Get("permit")),
            (user.Get("read"), user.Get("write"), user.Get("deny"), user.Get("permit")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Running_it_twice_changes_nothing()
    {
        await Install();
        var first = await File.ReadAllTextAsync(Conf);

        var (exit, _, _) = await Install();

        Assert.Equal(0, exit);
        Assert.Equal(first, await File.ReadAllTextAsync(Conf));
        Assert.Single(first.Split('\n'), l => l.StartsWith("#include", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task An_existing_glob_include_is_reused_and_keep_bindaddr_leaves_bindaddr_alone()
    {
        await File.AppendAllTextAsync(Conf, "\n#include \"manager.d/*.conf\"\n");

        var (exit, _, error) = await Install("--keep-bindaddr");

        Assert.True(exit == 0, error);
        var text = await File.ReadAllTextAsync(Conf);
        Assert.Single(text.Split('\n'), l => l.StartsWith("#include", StringComparison.Ordinal));
        var findings = await Audit();
        Assert.Equal(FindingSeverity.Critical, Assert.Single(findings, f => f.Id == "manager.bindaddr").Severity);
        Assert.Equal(FindingSeverity.Ok, Assert.Single(findings, f => f.Id == "manager.write").Severity);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_user_already_in_manager_conf_is_refused_not_duplicated()
    {
        await File.AppendAllTextAsync(Conf, "\n[watchdog]\nsecret = old\nwrite = all\n");
        var before = await File.ReadAllTextAsync(Conf);

        var (exit, _, error) = await Install();

        Assert.Equal(1, exit);
        Assert.Contains("already has a [watchdog] section (line 23)", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Conf));
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "manager.d")));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_missing_secret_file_is_refused_with_the_command_that_makes_one()
    {
        File.Delete(SecretFile);

        var (exit, _, error) = await Install();

        Assert.Equal(1, exit);
        Assert.Contains("openssl rand -base64 24", error, StringComparison.Ordinal);
    }
}
