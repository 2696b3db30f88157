using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace Watchdog.Hosting;

/// <summary>How <c>watchdog run</c> logs: structured Serilog events to the console (journald under systemd).</summary>
internal static class AgentLogging
{
    /// <summary>Adds the console sink to the agent's logging.</summary>
    public static void Console(ILoggingBuilder logging) =>
        logging.AddSerilog(new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger(), dispose: true);
}
