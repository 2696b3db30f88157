using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class AsteriskConfigTests
{
    [Fact]
    public void Template_values_apply_and_the_section_own_lines_override_them()
    {
        var config = AsteriskConfig.Parse("""
            [base](!)
            type=endpoint
            direct_media=yes
            [nat](!,base)
            rtp_symmetric=yes ; inline comment
            [trunk](nat)
            direct_media=no
            """, "pjsip.conf");

        var trunk = Assert.Single(config.Sections);
        Assert.Equal("endpoint", trunk.Type);
        Assert.Equal("no", trunk.Get("direct_media"));
        Assert.Equal("yes", trunk.Get("rtp_symmetric"));
        Assert.Equal(["base"], config.All[1].Templates);
        Assert.True(config.All[1].IsTemplate);
    }

    [Fact]
    public void Same_name_sections_of_different_types_are_kept_apart()
    {
        var config = AsteriskConfig.Parse("[mango]\ntype=endpoint\n[mango]\ntype=aor\n[mango]\ntype=auth\npassword=x\\;y\n", "pjsip.conf");

        Assert.Equal(3, config.Sections.Count());
        Assert.Equal("x;y", config.Find("mango", "auth")?.Get("password"));
    }

    [Fact]
    public void Block_comments_arrows_repeated_keys_and_additions_are_understood()
    {
        var config = AsteriskConfig.Parse("""
            [id]
            type => identify
            ;-- match=10.0.0.1
            still comment --;
            match=1.2.3.4
            [id](+)
            match=5.6.7.8
            """, "pjsip.conf");

        var identify = Assert.Single(config.Sections);
        Assert.Equal("identify", identify.Type);
        Assert.Equal(["1.2.3.4", "5.6.7.8"], identify.GetAll("match"));
    }

    [Fact]
    public void Include_is_followed_through_the_reader()
    {
        var config = AsteriskConfig.Parse("[general]\nenabled=yes\n#include \"users.conf\"\n", "manager.conf",
            name => name == "users.conf" ? "[watchdog]\nread=system\n" : null);

        Assert.Equal("system", config.Find("watchdog")?.Get("read"));
        Assert.Equal("users.conf", config.Find("watchdog")?.File);
    }
}

public sealed class AsteriskConfigIncludeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("watchdog-astconf-");

    public void Dispose() => _dir.Delete(recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_dir.FullName, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_glob_include_reads_every_match_in_name_order_and_names_each_file_relative_to_the_config_directory()
    {
        Write("manager.conf", "[general]\nenabled=yes\n#include \"manager.d/*.conf\"\n");
        Write("manager.d/b.conf", "[bob]\nread=call\n");
        Write("manager.d/a.conf", "; first\n[alice]\nread=system\n");
        Write("manager.d/notes.txt", "[ignored]\n");

        var config = await AsteriskConfig.LoadAsync(_dir.FullName, "manager.conf", CancellationToken.None);

        Assert.Equal(["general", "alice", "bob"], config!.Sections.Select(s => s.Name));
        Assert.Equal(("manager.d/a.conf", 2), (config.Find("alice")!.File, config.Find("alice")!.Line));
        Assert.Equal("manager.d/b.conf [bob]", config.Find("bob")!.Location);
        Assert.Empty(config.MissingIncludes);
    }

    [Fact(Timeout = 10_000)]
    public async Task Includes_inside_included_files_are_relative_to_the_config_directory_too()
    {
        Write("pjsip.conf", "#include pjsip.d/trunks.conf\n");
        Write("pjsip.d/trunks.conf", "#include pjsip.d/mango.conf\n");
        Write("pjsip.d/mango.conf", "[mango]\ntype=endpoint\n");

        var config = await AsteriskConfig.LoadAsync(_dir.FullName, "pjsip.conf", CancellationToken.None);

        Assert.Equal("pjsip.d/mango.conf", config!.Find("mango")!.File);
    }

    [Fact]
    public void A_missing_include_is_recorded_and_tryinclude_is_marked_optional()
    {
        var config = AsteriskConfig.Parse("[general]\n#include gone.conf\n#tryinclude <maybe.conf>\n", "manager.conf", _ => null);

        Assert.Equal([new MissingInclude("manager.conf", 2, "gone.conf", false), new MissingInclude("manager.conf", 3, "maybe.conf", true)],
            config.MissingIncludes);
    }

    [Fact]
    public void Lines_after_an_include_stay_in_the_section_that_was_open_before_it()
    {
        // As main/config.c: the included text continues the open section; the includer's section goes on after it.
        var config = AsteriskConfig.Parse("[watchdog]\nsecret=x\n#include extra.conf\nwrite=system\n", "manager.conf",
            name => name == "extra.conf" ? "read=call\n[other]\nread=all\n" : null);

        var watchdog = config.Find("watchdog")!;
        Assert.Equal("call", watchdog.Get("read"));
        Assert.Equal("system", watchdog.Get("write"));
        Assert.Null(config.Find("other")!.Get("write"));
    }
}
