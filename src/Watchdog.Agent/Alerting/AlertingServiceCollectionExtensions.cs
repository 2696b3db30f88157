using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Watchdog.Agent.Alerting;

/// <summary>Registers the alert pipeline.</summary>
public static class AlertingServiceCollectionExtensions
{
    /// <summary>Name of the HttpClient used for the Bot API.</summary>
    public const string TelegramHttpClientName = "Watchdog.Alerting.Telegram";

    /// <summary>Name of the HttpClient used for Alertmanager.</summary>
    public const string AlertmanagerHttpClientName = "Watchdog.Alerting.Alertmanager";

    /// <summary>
    /// Binds <see cref="AlertingOptions"/> from <paramref name="section"/> (validated at start, every
    /// problem listed), creates the enabled channels plus any other registered <see cref="INotifier"/>,
    /// and runs <see cref="AlertDispatcher"/> as a hosted service. Producers take <see cref="AlertDispatcher"/>
    /// and call <see cref="AlertDispatcher.Publish"/>.
    /// </summary>
    public static IServiceCollection AddWatchdogAlerting(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<AlertingOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertingOptions>, AlertingOptionsValidator>());
        return services.AddAlertPipeline();
    }

    /// <summary>
    /// The same pipeline over options already bound and validated (the agent's composition root binds every
    /// section once), plus the <see cref="IAlertPublisher"/> and the <see cref="ActionLog"/> the producers use.
    /// </summary>
    public static IServiceCollection AddWatchdogAlerting(this IServiceCollection services, AlertingOptions options)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<AlertDispatcher>());
        services.AddSingleton<ActionLog>();
        return services.AddAlertPipeline();
    }

    private static IServiceCollection AddAlertPipeline(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        // The default HttpClient logging writes request URLs, and a Bot API URL holds the token.
        services.AddHttpClient(TelegramHttpClientName).RemoveAllLoggers();
        services.AddHttpClient(AlertmanagerHttpClientName);

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AlertingOptions>>();
            var notifiers = new List<INotifier>();
            var telegram = options.Value.Telegram;
            if (telegram.Enabled)
            {
                var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(TelegramHttpClientName);
                notifiers.AddRange(telegram.ChatIds.Select(chat => new TelegramNotifier(telegram, chat, http)));
            }

            if (options.Value.Email.Enabled)
            {
                notifiers.Add(new EmailNotifier(options.Value.Email));
            }

            var alertmanager = options.Value.Alertmanager;
            if (alertmanager.Enabled)
            {
                var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(AlertmanagerHttpClientName);
                var instance = alertmanager.Instance ?? options.Value.InstanceName ?? Environment.MachineName;
                notifiers.AddRange(alertmanager.Urls.Select(url => new AlertmanagerNotifier(alertmanager, url, instance, options.Value.Language, http)));
            }

            notifiers.AddRange(sp.GetServices<INotifier>());
            return new AlertDispatcher(notifiers, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AlertDispatcher>>());
        });
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AlertDispatcher>());
        return services;
    }
}
