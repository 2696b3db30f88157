using Microsoft.Extensions.Configuration;
using Watchdog.Agent;
using Watchdog.Configuration;

namespace Watchdog.Agent.Tests.Cli;

public sealed class CheckConfigCommandTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("watchdog-config-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact(Timeout = 10_000)]
    public async Task The_example_config_passes_check_config_with_its_secret_in_a_file()
    {
        var secret = Write("ami.secret", "dummy-secret\n");
        var example = await File.ReadAllTextAsync(Path.Combine(CliRun.RepositoryRoot(), "watchdog.example.json"));
        Assert.Contains("\"SecretFile\": \"/etc/watchdog/ami.secret\"", example);
        var config = Write("watchdog.json", example.Replace("/etc/watchdog/ami.secret", secret, StringComparison.Ordinal));

        var result = await CliRun.RunAsync("check-config", "--config", config);

        Assert.Equal("", result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"config OK: {config}", result.OutputLines[0]);
        // Whatever follows are warnings about this machine's inputs (no Asterisk log here), never problems.
        Assert.All(result.OutputLines.Skip(1), l => Assert.StartsWith("warning: ", l));
    }

    [Fact(Timeout = 10_000)]
    public async Task The_example_config_binds_every_section_as_written()
    {
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(CliRun.RepositoryRoot(), "watchdog.example.json")).Build();

        var settings = AgentSettings.Bind(config, out var problems);

        Assert.Empty(problems);
        // The provider's ranges live once, under Diagnosis:Trunks:Providers; the whitelist adds none of its own.
        Assert.Empty(settings.Security.Whitelist.Networks);
        Assert.Equal(["81.88.86.0/24", "81.88.88.0/24"], Assert.Single(settings.Diagnosis.Trunks.Providers).Ranges);
        Assert.Equal(["ssh.service", "sshd.service"], settings.Security.Journal.Units);
        Assert.Equal("http://127.0.0.1:9105", settings.Api.ListenUrl);
        Assert.Equal("asterisk.service", settings.Healing.Service.Unit);
        Assert.False(settings.Actuators.DryRun);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 10_000)]
    public async Task A_bad_config_lists_every_problem_at_once_with_exit_78()
    {
        var config = Write("bad.json", """
            {
              "Ami": { "Port": 70000, "Secret": "" },
              "Api": { "ListenUrl": "ftp://0.0.0.0:9105" },
              "Security": { "Bans": { "MaxRetry": 0 }, "Whitelist": { "Networks": [ "not-a-cidr" ] } }
            }
            """);

        var result = await CliRun.RunAsync("check-config", "--config", config);

        Assert.Equal(78, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains("Ami:Port 70000", result.Error);
        Assert.Contains("Ami:Secret is empty", result.Error);
        Assert.Contains("Api:ListenUrl must be an http URL", result.Error);
        Assert.Contains("Security:Bans:MaxRetry", result.Error);
        Assert.Contains("'not-a-cidr'", result.Error);
        Assert.Contains("5 problem(s)", result.Error);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_missing_config_file_is_one_line_with_exit_78()
    {
        var result = await CliRun.RunAsync("check-config", "--config", Path.Combine(_work.FullName, "nope.json"));

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("not found", Assert.Single(result.ErrorLines));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_listen_url_off_loopback_passes_with_a_warning()
    {
        var config = Write("open.json", """{ "Ami": { "Secret": "s" }, "Api": { "ListenUrl": "http://0.0.0.0:9105" } }""");

        var result = await CliRun.RunAsync("check-config", "--config", config);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("is not loopback", result.Output);
    }

    [Fact(Timeout = 10_000)]
    public async Task Configured_whitelist_replaces_the_default_networks_instead_of_adding_to_them()
    {
        var configured = Bind(new() { ["Security:Whitelist:Networks:0"] = "10.0.0.0/8", ["Security:Journal:Units:0"] = "ssh.service" });
        var absent = Bind(new() { ["Security:Enabled"] = "true" });

        Assert.Equal(["10.0.0.0/8"], configured.Security.Whitelist.Networks);
        Assert.Equal(["ssh.service"], configured.Security.Journal.Units);
        Assert.Equal(["81.88.86.0/24", "81.88.88.0/24"], absent.Security.Whitelist.Networks);
        Assert.Equal(["ssh.service", "sshd.service"], absent.Security.Journal.Units);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 10_000)]
    public async Task Configured_providers_replace_the_default_whitelist_networks_so_their_ranges_are_configured_once()
    {
        var providersOnly = Bind(new() { ["Diagnosis:Trunks:Providers:0:Endpoint"] = "mango-trunk", ["Diagnosis:Trunks:Providers:0:Ranges:0"] = "81.88.90.0/24" });
        var both = Bind(new()
        {
            ["Diagnosis:Trunks:Providers:0:Endpoint"] = "mango-trunk", ["Diagnosis:Trunks:Providers:0:Ranges:0"] = "81.88.90.0/24",
            ["Security:Whitelist:Networks:0"] = "10.8.0.0/16",
        });

        Assert.Empty(providersOnly.Security.Whitelist.Networks);
        Assert.Equal(["81.88.90.0/24"], Assert.Single(providersOnly.Diagnosis.Trunks.Providers).Ranges);
        Assert.Equal(["10.8.0.0/16"], both.Security.Whitelist.Networks);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 10_000)]
    public async Task The_plain_binder_appends_to_a_non_empty_default_list_which_Bind_must_undo()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Networks:0"] = "10.0.0.0/8" }).Build();

        var raw = config.Get<Watchdog.Agent.Security.WhitelistOptions>();

        Assert.Equal(["81.88.86.0/24", "81.88.88.0/24", "10.0.0.0/8"], raw!.Networks);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 10_000)]
    public async Task An_empty_whitelist_array_in_json_means_no_extra_networks()
    {
        var file = Write("empty.json", """{ "Security": { "Whitelist": { "Networks": [] } } }""");
        var settings = AgentSettings.Bind(new ConfigurationBuilder().AddJsonFile(file).Build(), out _);

        Assert.Empty(settings.Security.Whitelist.Networks);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 10_000)]
    public async Task Check_config_says_when_pjsip_identify_ranges_differ_from_the_configured_provider_ranges()
    {
        var asterisk = Directory.CreateDirectory(Path.Combine(_work.FullName, "asterisk"));
        File.WriteAllText(Path.Combine(asterisk.FullName, "pjsip.conf"), """
            [mango-trunk]
            type=endpoint

            [mango-trunk-identify]
            type=identify
            endpoint=mango-trunk
            match=81.88.86.0/24
            """);
        var file = Write("providers.json", $$"""
            { "Ami": { "Secret": "s3cret" },
              "Diagnosis": { "Doctor": { "ConfigDirectory": "{{asterisk.FullName}}" },
                             "Trunks": { "Providers": [ { "Endpoint": "mango-trunk", "Ranges": [ "81.88.86.0/24", "81.88.88.0/24" ] } ] } } }
            """);

        var result = await CliRun.RunAsync("check-config", "--config", file);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains(result.Output.Split('\n'), l => l.StartsWith("note: ", StringComparison.Ordinal)
            && l.Contains("81.88.88.0/24", StringComparison.Ordinal) && l.Contains("match=81.88.88.0/24", StringComparison.Ordinal));
    }

    private static AgentSettings Bind(Dictionary<string, string?> values) =>
        AgentSettings.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out _);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
