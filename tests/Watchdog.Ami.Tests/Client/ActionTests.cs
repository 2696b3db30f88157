using Watchdog.Ami.Events;
using Watchdog.Simulator;

namespace Watchdog.Ami.Tests.Client;

public class ActionTests
{
    [Fact(Timeout = 30_000)]
    public async Task Md5_login_never_sends_the_secret_and_reaches_LoggedIn()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        Assert.Equal(AmiConnectionState.LoggedIn, t.Client.State);
        Assert.Equal("Asterisk Call Manager/11.0.0", t.Client.Banner);
        Assert.Equal(["Challenge", "Login"], t.Simulator.ReceivedActions.Take(2));
    }

    [Fact(Timeout = 30_000)]
    public async Task Plain_login_works_too()
    {
        await using var t = await ClientAndSimulator.StartAsync(o => o with { UseMd5Challenge = false });

        Assert.Equal(AmiConnectionState.LoggedIn, t.Client.State);
        Assert.Equal("Login", t.Simulator.ReceivedActions.First());
    }

    [Fact(Timeout = 30_000)]
    public async Task Event_list_action_returns_every_item_with_the_completion()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var reply = await t.Client.SendAsync(AmiActions.PJSIPShowEndpoints());

        Assert.True(reply.IsSuccess);
        Assert.Equal(3, reply.Events.Count);
        Assert.Equal("EndpointListComplete", reply.ListComplete!.EventName);
        Assert.Equal("3", reply.ListComplete["ListItems"]);
        var items = reply.Events.Select(EndpointListItem.From).ToList();
        Assert.Contains(items, e => e!.ObjectName == "mango-trunk" && e.ContactList.Single() == "mango-trunk-aor/sip:127.0.0.1:5070");
        Assert.DoesNotContain("EndpointList", t.Observer.EventNames);
    }

    [Fact(Timeout = 30_000)]
    public async Task Registrations_list_carries_status_and_no_password()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var reply = await t.Client.SendAsync(AmiActions.PJSIPShowRegistrationsOutbound());

        var registration = OutboundRegistrationDetail.From(reply.Events[0])!;
        Assert.Equal("mango-registration", registration.ObjectName);
        Assert.Equal("Registered", registration.Status);
        Assert.All(reply.Events, e => Assert.DoesNotContain("mango-pass", e.ToString()));
        Assert.Equal("***", reply.Events.Single(e => e.EventName == "AuthDetail")["Password"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Error_reply_to_a_list_action_completes_at_once()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var reply = await t.Client.SendAsync(AmiActions.PJSIPShowContacts());

        Assert.Equal(AmiResponseStatus.Error, reply.Status);
        Assert.Equal("No Contacts found", reply.Text);
        Assert.Empty(reply.Events);
        Assert.Throws<AmiActionFailedException>(() => reply.EnsureSuccess());
    }

    [Fact(Timeout = 30_000)]
    public async Task Concurrent_actions_are_matched_by_ActionID_not_by_order()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var tasks = Enumerable.Range(0, 50).Select(i => (i % 3) switch
        {
            0 => t.Client.SendAsync(AmiActions.CoreShowChannels()),
            1 => t.Client.SendAsync(AmiActions.Ping()),
            _ => t.Client.SendAsync(AmiActions.CoreSettings()),
        }).ToList();
        var replies = await Task.WhenAll(tasks);

        for (var i = 0; i < replies.Length; i++)
        {
            switch (i % 3)
            {
                case 0: Assert.Equal("CoreShowChannelsComplete", replies[i].ListComplete!.EventName); break;
                case 1: Assert.Equal("Pong", replies[i].Message["Ping"]); break;
                default: Assert.Equal("22.10.1", replies[i].Message["AsteriskVersion"]); break;
            }
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Command_output_comes_back_as_lines()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var output = await t.Client.CommandAsync("module reload res_pjsip.so");

        Assert.Equal(["Module 'res_pjsip.so' reloaded successfully."], output);
    }

    [Fact(Timeout = 30_000)]
    public async Task Old_style_Follows_command_reply_is_understood_by_the_client()
    {
        var sim = new AmiSimulator
        {
            ActionHook = (action, m) => action == "Command"
                ? new AmiWire().Add("Response", "Follows").Add("Privilege", "Command").ActionId(m["ActionID"]).Raw("line one\n\nline: two\n--END COMMAND--\r\n")
                : null,
        };
        await using var t = await ClientAndSimulator.StartAsync(simulator: sim);

        var output = await t.Client.CommandAsync("core show anything");

        Assert.Equal(["line one", "", "line: two"], output);
    }

    [Fact(Timeout = 30_000)]
    public async Task Unknown_action_is_an_error_and_ModuleReload_is_not_an_action()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var reply = await t.Client.SendAsync(new AmiAction("ModuleReload").Add("Module", "res_pjsip.so"));
        var reload = await t.Client.SendAsync(AmiActions.ModuleReload("res_pjsip.so"));

        Assert.Equal(AmiResponseStatus.Error, reply.Status);
        Assert.StartsWith("Invalid/unknown command: ModuleReload", reply.Text);
        Assert.True(reload.IsSuccess);
    }

    [Fact(Timeout = 30_000)]
    public async Task Action_without_reply_times_out_and_the_session_stays_usable()
    {
        await using var t = await ClientAndSimulator.StartAsync();
        t.Simulator.SilentActions["CoreStatus"] = true;

        await Assert.ThrowsAsync<AmiActionTimeoutException>(() =>
            t.Client.SendAsync(AmiActions.CoreStatus(), timeout: TimeSpan.FromMilliseconds(200)));
        var pong = await t.Client.SendAsync(AmiActions.Ping());

        Assert.True(pong.IsSuccess);
    }

    [Fact(Timeout = 30_000)]
    public async Task Actions_in_flight_fail_at_once_with_the_reason_when_the_connection_breaks()
    {
        await using var t = await ClientAndSimulator.StartAsync(o => o with { ActionTimeout = TimeSpan.FromSeconds(20) });
        t.Simulator.SilentActions["CoreStatus"] = true;

        var pending = t.Client.SendAsync(AmiActions.CoreStatus());
        var list = t.Client.SendAsync(AmiActions.CoreStatus());
        while (t.Simulator.ReceivedActions.Count(a => a == "CoreStatus") < 2)
        {
            await Task.Delay(5); // both actions are with "Asterisk", unanswered, when it goes away
        }
        t.Simulator.DropConnections();

        var e = await Assert.ThrowsAsync<AmiConnectionException>(() => pending);
        await Assert.ThrowsAsync<AmiConnectionException>(() => list);
        Assert.Equal(AmiDisconnectReason.RemoteClosed, e.Reason);
    }

    [Fact(Timeout = 30_000)]
    public async Task Logoff_is_answered_with_Goodbye()
    {
        await using var t = await ClientAndSimulator.StartAsync();

        var bye = await t.Client.SendAsync(AmiActions.Logoff());

        Assert.Equal(AmiResponseStatus.Goodbye, bye.Status);
        Assert.Equal("Thanks for all the fish.", bye.Text);
    }

    [Fact(Timeout = 30_000)]
    public async Task Sending_while_not_logged_in_fails_clearly()
    {
        var client = new AmiClient(new AmiClientOptions { Secret = "x" });
        var e = await Assert.ThrowsAsync<AmiConnectionException>(() => client.SendAsync(AmiActions.Ping()));
        Assert.Contains("not logged in", e.Message);
    }

    [Fact]
    public void Invalid_options_are_listed_all_at_once()
    {
        var e = Assert.Throws<ArgumentException>(() => new AmiClient(new AmiClientOptions { Host = "", Port = 0, Secret = "" }));
        Assert.Contains("Ami.Host", e.Message);
        Assert.Contains("Ami.Port", e.Message);
        Assert.Contains("Ami.Secret", e.Message);
    }
}
