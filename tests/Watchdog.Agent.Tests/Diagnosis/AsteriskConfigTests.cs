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
