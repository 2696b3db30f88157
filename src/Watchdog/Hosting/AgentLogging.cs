using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;

namespace Watchdog.Hosting;

/// <summary>
/// The agent's log: one line per event on stdout. Under systemd (<c>JOURNAL_STREAM</c> set) each line starts with
/// its syslog priority (<c>&lt;4&gt;</c> for a warning), which journald turns into the entry's priority — so
/// <c>journalctl -u watchdog -p warning</c> works — and carries no timestamp of its own (the journal has one).
/// </summary>
public static class AgentLogging
{
    /// <summary>True when stdout is connected to the journal (systemd sets <c>JOURNAL_STREAM</c>).</summary>
    public static bool UnderJournal => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

    /// <summary>Adds the agent's Serilog sink to a host's logging (what <c>watchdog run</c> passes to the agent).</summary>
    public static void Console(Microsoft.Extensions.Logging.ILoggingBuilder logging) => logging.AddSerilog(Create(), dispose: true);

    /// <summary>The agent's Serilog logger: one line per event, journald priorities under systemd.</summary>
    public static Serilog.Core.Logger Create() => new LoggerConfiguration()
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
        // A start-up failure is reported once, in one line, by 'watchdog run' itself.
        .Filter.ByExcluding(e => e.Exception is not null && e.Properties.TryGetValue("SourceContext", out var s)
            && s.ToString().Contains("Microsoft.Extensions.Hosting", StringComparison.Ordinal))
        .Enrich.FromLogContext()
        .WriteTo.Console(new LineFormatter(UnderJournal))
        .CreateLogger();

    /// <summary>syslog priority of a level: debug 7, info 6, warning 4, error 3, fatal 2.</summary>
    public static int Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => 7,
        LogEventLevel.Information => 6,
        LogEventLevel.Warning => 4,
        LogEventLevel.Error => 3,
        _ => 2,
    };

    /// <summary>"&lt;6&gt;message" for the journal, "2026-12-01 20:00:00 INF message" for a terminal; always one line.</summary>
    public sealed class LineFormatter(bool journal) : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            var line = new StringWriter(CultureInfo.InvariantCulture);
            if (journal)
            {
                line.Write($"<{Priority(logEvent.Level)}>");
            }
            else
            {
                line.Write(logEvent.Timestamp.ToString("yyyy-MM-dd HH:mm:ss ", CultureInfo.InvariantCulture));
                line.Write(logEvent.Level switch
                {
                    LogEventLevel.Verbose => "VRB ", LogEventLevel.Debug => "DBG ", LogEventLevel.Information => "INF ",
                    LogEventLevel.Warning => "WRN ", LogEventLevel.Error => "ERR ", _ => "FTL ",
                });
            }
            foreach (var token in logEvent.MessageTemplate.Tokens)
            {
                if (token is Serilog.Parsing.PropertyToken p && logEvent.Properties.TryGetValue(p.PropertyName, out var value)
                    && value is ScalarValue { Value: string text })
                    line.Write(text); // literal, not quoted
                else
                    token.Render(logEvent.Properties, line, CultureInfo.InvariantCulture);
            }
            if (logEvent.Exception is { } e) line.Write($" ({e.GetType().Name}: {e.Message})");
            // One event, one line: a newline inside a message would split it into two journal entries.
            output.Write(line.ToString().ReplaceLineEndings(" "));
            output.Write('\n');
        }
    }
}
