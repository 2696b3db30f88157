namespace Watchdog.Agent.Alerting;

/// <summary>Where producers hand alerts (the <see cref="AlertDispatcher"/>; a recorder in tests). Never blocks.</summary>
public interface IAlertPublisher
{
    /// <summary>Offers an alert; false only when the pipeline has stopped.</summary>
    bool Publish(Alert alert);
}
