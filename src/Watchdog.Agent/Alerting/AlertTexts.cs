namespace Watchdog.Agent.Alerting;

/// <summary>The words of messages in one language: a headline per alert, an optional hint with the fix.</summary>
internal abstract class AlertTexts
{
    public static AlertTexts For(string language) => language switch
    {
        "ru" => Russian.Instance,
        "en" => English.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "Expected \"ru\" or \"en\"."),
    };

    public abstract string Headline(Alert alert);

    public abstract string? Hint(Alert alert);

    public abstract string GroupTitle(int count, int critical);

    public abstract string More(int count);

    private sealed class English : AlertTexts
    {
        public static readonly English Instance = new();

        public override string Headline(Alert a) => a.Kind switch
        {
            AlertKind.RegistrationLost => $"Trunk registration lost: {a.Subject}",
            AlertKind.RegistrationRestored => $"Trunk registration restored: {a.Subject}",
            AlertKind.EndpointUnreachable => $"Endpoint unreachable: {a.Subject}",
            AlertKind.EndpointReachable => $"Endpoint reachable again: {a.Subject}",
            AlertKind.RtpTimeoutSpike => $"RTP timeouts rising: {a.Subject}",
            AlertKind.AttackSpike => $"Attack: SIP auth failures spike from {a.Subject}",
            AlertKind.Ban => $"Banned: {a.Subject}",
            AlertKind.Remediation => a.Outcome switch
            {
                RemediationOutcome.Succeeded => $"Remediation succeeded: {a.Subject}",
                RemediationOutcome.Failed => $"Remediation failed: {a.Subject}",
                RemediationOutcome.Skipped => $"Remediation skipped: {a.Subject}",
                _ => $"Remediation: {a.Subject}",
            },
            AlertKind.RemediationCapReached => $"Automatic remediation paused, cap reached: {a.Subject}",
            AlertKind.RemediationCapCleared => $"Automatic remediation resumed: {a.Subject}",
            AlertKind.AmiDown => $"AMI connection lost: {a.Subject}",
            AlertKind.AmiUp => $"AMI connection restored: {a.Subject}",
            _ => $"{a.Kind}: {a.Subject}",
        };

        public override string? Hint(Alert a) => a.Kind switch
        {
            AlertKind.RegistrationLost => "Calls through this trunk fail. Check provider credentials, DNS and the network; the watchdog will try to re-register.",
            AlertKind.EndpointUnreachable => "No answer to qualify (OPTIONS). Check the peer host, firewall and NAT.",
            AlertKind.RtpTimeoutSpike => "Calls drop for lack of media. Check NAT (external_media_address) and that the RTP port range is open.",
            AlertKind.AttackSpike => "Offenders are banned automatically; check that SIP passwords are strong.",
            AlertKind.Remediation when a.Outcome == RemediationOutcome.Failed => "Automatic repair did not help; look at it by hand.",
            AlertKind.RemediationCapReached => "Too many repairs in a short time; the watchdog stopped acting. Investigate by hand.",
            AlertKind.AmiDown => "The watchdog is blind: no state, no repairs. Check that Asterisk runs and manager.conf allows us.",
            _ => null,
        };

        public override string GroupTitle(int count, int critical) =>
            critical > 0 ? $"{count} alerts, {critical} critical" : $"{count} alerts";

        public override string More(int count) => $"… and {count} more";
    }

    private sealed class Russian : AlertTexts
    {
        public static readonly Russian Instance = new();

        public override string Headline(Alert a) => a.Kind switch
        {
            AlertKind.RegistrationLost => $"Потеряна регистрация транка: {a.Subject}",
            AlertKind.RegistrationRestored => $"Регистрация транка восстановлена: {a.Subject}",
            AlertKind.EndpointUnreachable => $"Endpoint недоступен: {a.Subject}",
            AlertKind.EndpointReachable => $"Endpoint снова доступен: {a.Subject}",
            AlertKind.RtpTimeoutSpike => $"Рост RTP-таймаутов: {a.Subject}",
            AlertKind.AttackSpike => $"Атака: всплеск ошибок SIP-аутентификации с {a.Subject}",
            AlertKind.Ban => $"Заблокирован: {a.Subject}",
            AlertKind.Remediation => a.Outcome switch
            {
                RemediationOutcome.Succeeded => $"Восстановление выполнено: {a.Subject}",
                RemediationOutcome.Failed => $"Восстановление не удалось: {a.Subject}",
                RemediationOutcome.Skipped => $"Восстановление пропущено: {a.Subject}",
                _ => $"Восстановление: {a.Subject}",
            },
            AlertKind.RemediationCapReached => $"Автовосстановление приостановлено, достигнут лимит: {a.Subject}",
            AlertKind.RemediationCapCleared => $"Автовосстановление возобновлено: {a.Subject}",
            AlertKind.AmiDown => $"Потеряно соединение AMI: {a.Subject}",
            AlertKind.AmiUp => $"Соединение AMI восстановлено: {a.Subject}",
            _ => $"{a.Kind}: {a.Subject}",
        };

        public override string? Hint(Alert a) => a.Kind switch
        {
            AlertKind.RegistrationLost => "Звонки через этот транк не проходят. Проверьте учётные данные провайдера, DNS и сеть; watchdog попробует перерегистрироваться.",
            AlertKind.EndpointUnreachable => "Нет ответа на qualify (OPTIONS). Проверьте хост, firewall и NAT.",
            AlertKind.RtpTimeoutSpike => "Звонки рвутся из-за отсутствия медиа. Проверьте NAT (external_media_address) и открыт ли диапазон RTP-портов.",
            AlertKind.AttackSpike => "Нарушители блокируются автоматически; проверьте стойкость SIP-паролей.",
            AlertKind.Remediation when a.Outcome == RemediationOutcome.Failed => "Автоматический ремонт не помог; разберитесь вручную.",
            AlertKind.RemediationCapReached => "Слишком много ремонтов за короткое время; watchdog перестал вмешиваться. Разберитесь вручную.",
            AlertKind.AmiDown => "Watchdog ослеп: нет состояния и ремонта. Проверьте, что Asterisk запущен и manager.conf нас пускает.",
            _ => null,
        };

        public override string GroupTitle(int count, int critical) =>
            critical > 0 ? $"{count} {Alerts(count)}, критичных: {critical}" : $"{count} {Alerts(count)}";

        public override string More(int count) => $"… и ещё {count}";

        private static string Alerts(int n) => (n % 10, n % 100) switch
        {
            (1, not 11) => "оповещение",
            (2 or 3 or 4, not (12 or 13 or 14)) => "оповещения",
            _ => "оповещений",
        };
    }
}
