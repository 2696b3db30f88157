using Watchdog.Configuration;

namespace Watchdog.Agent.Tests.Cli;

/// <summary>Every mistake in the configuration named, at once, by the real executable's <c>check-config</c>.</summary>
public sealed class ConfigMistakesTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("watchdog-config-mistakes-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact(Timeout = 60_000)]
    public async Task Typod_keys_and_sections_are_rejected_with_the_closest_known_name()
    {
        var config = Write("typo.json", """
            {
              "Ami": { "Hots": "10.0.0.5", "Secret": "s" },
              "Healing": { "RegistrationGrase": "00:01:00" },
              "Alertting": { "Language": "en" }
            }
            """);

        var result = await CliRun.ExecAsync("check-config", "--config", config);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("3 problem(s)", result.Error);
        Assert.Contains("Ami:Hots: unknown key — did you mean Ami:Host?", result.Error);
        Assert.Contains("Healing:RegistrationGrase: unknown key — did you mean Healing:RegistrationGrace?", result.Error);
        Assert.Contains("Alertting: unknown key — did you mean Alerting?", result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Invalid_json_is_reported_with_its_line_and_column()
    {
        var config = Write("broken.json", "{\n  \"Ami\": {\n    \"Host\": \"127.0.0.1\"\n    \"Port\": 5038\n  }\n}\n");

        var result = await CliRun.ExecAsync("check-config", "--config", config);

        Assert.Equal(78, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"watchdog: {config}: line 4, column 5: not valid JSON", line);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_wrong_type_is_one_problem_and_does_not_blank_the_rest_of_its_section()
    {
        var config = Write("type.json", """{ "Ami": { "Port": "abc", "Secret": "s" } }""");

        var result = await CliRun.ExecAsync("check-config", "--config", config);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("1 problem(s)", result.Error);
        Assert.Contains("Ami:Port: 'abc' is not a whole number", result.Error);
        Assert.DoesNotContain("Secret", result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Environment_overrides_are_named_as_environment_variables()
    {
        var config = Write("env.json", """{ "Ami": { "Secret": "s" } }""");

        var result = await CliRun.ExecAsync(new Dictionary<string, string?> { ["Watchdog__Ami__Port"] = "abc", ["Watchdog__Ami__Hots"] = "x" },
            "check-config", "--config", config);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("Ami:Port: 'abc' is not a whole number (from the environment variable Watchdog__Ami__Port)", result.Error);
        Assert.Contains("environment variable Watchdog__Ami__Hots: unknown key Ami:Hots — did you mean Ami:Host?", result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Durations_in_the_file_accept_the_cli_forms()
    {
        var config = Write("durations.json", """
            { "Ami": { "Secret": "s", "PingInterval": "90s" }, "Healing": { "RegistrationGrace": "2m", "LadderResetAfter": "2h" },
              "State": { "ResyncInterval": "00:05:00" }, "Security": { "Bans": { "MaxBanTime": "7d" } } }
            """);

        var result = await CliRun.ExecAsync("check-config", "--config", config);
        var loaded = ConfigCheck.Load(config);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("config OK", result.Output);
        Assert.Empty(loaded.Problems);
        Assert.Equal(TimeSpan.FromSeconds(90), loaded.Settings!.Ami.PingInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), loaded.Settings.Healing.RegistrationGrace);
        Assert.Equal(TimeSpan.FromHours(2), loaded.Settings.Healing.LadderResetAfter);
        Assert.Equal(TimeSpan.FromDays(7), loaded.Settings.Security.Bans.MaxBanTime);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unreadable_secret_file_is_one_problem_among_all_the_others()
    {
        var config = Write("secret.json", $$"""
            { "Ami": { "SecretFile": "{{Path.Combine(_work.FullName, "missing.secret")}}", "Port": 70000 },
              "Healing": { "TickInterval": "soon" } }
            """);

        var result = await CliRun.ExecAsync("check-config", "--config", config);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("Ami:SecretFile: cannot read", result.Error);
        Assert.Contains("Ami:Port 70000", result.Error);
        Assert.Contains("Healing:TickInterval: 'soon' is not a duration", result.Error);
        Assert.DoesNotContain("Ami:Secret is empty", result.Error);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_schema_knows_every_key_of_the_example_config()
    {
        await Task.Yield();
        var example = ConfigCheck.Load(Path.Combine(CliRun.RepositoryRoot(), "watchdog.example.json"));

        Assert.DoesNotContain(example.Problems, p => p.Contains("unknown key", StringComparison.Ordinal));
        Assert.NotNull(ConfigSchema.Agent.Find("Diagnosis:Tls:Targets:0:Host"));
        Assert.Equal(("Ami:Hots", "Ami:Host"), ConfigSchema.Agent.Check("Ami:Hots"));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
