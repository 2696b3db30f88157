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

    private static string ActionPart(Alert a) => Detail(a, "action") is { Length: > 0 } action ? $" ({action})" : "";

    private static string Detail(Alert a, string key, string fallback = "") =>
        a.Details.TryGetValue(key, out var value) && value.Length > 0 ? value : fallback;

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
                RemediationOutcome.Succeeded => $"Remediation healed: {a.Subject}",
                RemediationOutcome.Sent => $"Remediation sent{ActionPart(a)}: {a.Subject}",
                RemediationOutcome.Failed => $"Remediation failed{ActionPart(a)}: {a.Subject}",
                RemediationOutcome.Skipped => $"Remediation skipped: {a.Subject}",
                _ => $"Remediation: {a.Subject}",
            },
            AlertKind.RemediationCapReached => $"Automatic remediation paused, cap reached: {a.Subject}",
            AlertKind.RemediationCapCleared => $"Automatic remediation resumed: {a.Subject}",
            AlertKind.AmiDown => $"AMI connection lost: {a.Subject}",
            AlertKind.AmiUp => $"AMI connection restored: {a.Subject}",
            AlertKind.DnsRecordProblem => $"SIP DNS record problem: {a.Subject}",
            AlertKind.TlsCertificateProblem => $"TLS certificate problem: {a.Subject}",
            AlertKind.AsteriskMemoryGrowing => $"Asterisk memory grows steadily (leak?): {a.Subject}",
            AlertKind.AsteriskFdsNearLimit => $"Asterisk is near its file descriptor limit: {a.Subject}",
            AlertKind.TrunkUnmatchedRequest => $"Provider request matched no endpoint: {a.Subject}",
            AlertKind.TrunkNoAudio => $"Calls without audio, configuration explains it: {a.Subject}",
            AlertKind.SipEvidence => $"SIP trace captured: {a.Subject}",
            AlertKind.AsteriskDown => $"Asterisk service is down ({Detail(a, "state")}): {a.Subject}",
            AlertKind.AsteriskUp => $"Asterisk service is running again: {a.Subject}",
            AlertKind.MaintenanceOn => $"Maintenance: automatic actions paused: {a.Subject}",
            AlertKind.MaintenanceOff => $"Maintenance over: automatic actions resumed: {a.Subject}",
            _ => $"{a.Kind}: {a.Subject}",
        };

        public override string? Hint(Alert a) => a.Kind switch
        {
            AlertKind.RegistrationLost when Detail(a, "check") == Healing.HealingPolicy.CheckCredentials =>
                $"The provider refuses the credentials (SIP {Detail(a, "cause")}). Check [{Detail(a, "auth", "the outbound_auth section")}] username and password in pjsip.conf (no typos, no stray spaces) and the server_uri/client_uri domain, then run 'pjsip reload'. The watchdog re-registers once and never restarts Asterisk for this.",
            AlertKind.RegistrationLost when Detail(a, "check") == Healing.HealingPolicy.CheckDns =>
                $"The registrar's name does not resolve ({Detail(a, "server_uri", "the server_uri host")}). Check DNS and /etc/resolv.conf; the watchdog does not restart Asterisk for this.",
            AlertKind.RegistrationLost when Detail(a, "check") == Healing.HealingPolicy.CheckAsterisk =>
                "Asterisk itself looks at fault: its PJSIP stack does not answer, or several trunks or every peer fail together. The watchdog restarts it within its budget.",
            AlertKind.RegistrationLost => "Calls through this trunk fail. Check the network path to the provider and the provider's status; the watchdog re-registers and restarts Asterisk only when Asterisk itself is at fault.",
            AlertKind.RegistrationRestored when Detail(a, "last_action") is { Length: > 0 } act => Detail(a, "healed") == "true"
                ? $"Healed by {act} at {Detail(a, "last_action_at")}: back {Detail(a, "seconds_after")} s after it."
                : $"Back {Detail(a, "seconds_after")} s after the last action ({act} at {Detail(a, "last_action_at")}); the cause cleared outside the agent.",
            AlertKind.AsteriskDown when Detail(a, "state") == "inactive" => "Someone stopped Asterisk; the watchdog does not start it. Start it with 'systemctl start asterisk' when intended.",
            AlertKind.AsteriskDown => "systemd gave up on Asterisk; the watchdog resets and starts it within its budget. Check 'journalctl -u asterisk'.",
            AlertKind.MaintenanceOn => "Healing and bans are paused; the watchdog keeps watching. It ends by itself at the deadline, or with 'watchdog maintenance off'.",
            AlertKind.EndpointUnreachable => "No answer to qualify (OPTIONS). Check the peer host, firewall and NAT.",
            AlertKind.RtpTimeoutSpike => "Calls drop for lack of media. Check NAT (external_media_address) and that the RTP port range is open.",
            AlertKind.AttackSpike => "Offenders are banned automatically; check that SIP passwords are strong.",
            AlertKind.Remediation when a.Outcome == RemediationOutcome.Failed => "Automatic repair did not help; look at it by hand.",
            AlertKind.RemediationCapReached => "Too many repairs in a short time; the watchdog stopped acting. Investigate by hand.",
            AlertKind.AmiDown => "The watchdog is blind: no state, no repairs. Check that Asterisk runs and manager.conf allows us.",
            AlertKind.DnsRecordProblem => "Peers that look the domain up may not reach this PBX. Fix the record at the DNS provider.",
            AlertKind.TlsCertificateProblem => "SIP over TLS fails once the certificate is invalid. Renew it before it expires.",
            AlertKind.AsteriskMemoryGrowing => "Asterisk will run out of memory. Plan a restart in a quiet hour and look for the leaking module.",
            AlertKind.AsteriskFdsNearLimit => "New calls and connections will fail. Raise LimitNOFILE / maxfiles or find what holds descriptors.",
            AlertKind.TrunkUnmatchedRequest => "Incoming calls from the provider are rejected. Add the address to the trunk's identify (see fix).",
            AlertKind.TrunkNoAudio => "Calls connect but there is no audio. Apply the fix and reload pjsip.",
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
                RemediationOutcome.Succeeded => $"Восстановление помогло: {a.Subject}",
                RemediationOutcome.Sent => $"Команда восстановления отправлена{ActionPart(a)}: {a.Subject}",
                RemediationOutcome.Failed => $"Восстановление не удалось{ActionPart(a)}: {a.Subject}",
                RemediationOutcome.Skipped => $"Восстановление пропущено: {a.Subject}",
                _ => $"Восстановление: {a.Subject}",
            },
            AlertKind.RemediationCapReached => $"Автовосстановление приостановлено, достигнут лимит: {a.Subject}",
            AlertKind.RemediationCapCleared => $"Автовосстановление возобновлено: {a.Subject}",
            AlertKind.AmiDown => $"Потеряно соединение AMI: {a.Subject}",
            AlertKind.AmiUp => $"Соединение AMI восстановлено: {a.Subject}",
            AlertKind.DnsRecordProblem => $"Проблема с SIP-записью DNS: {a.Subject}",
            AlertKind.TlsCertificateProblem => $"Проблема с TLS-сертификатом: {a.Subject}",
            AlertKind.AsteriskMemoryGrowing => $"Память Asterisk растёт (утечка?): {a.Subject}",
            AlertKind.AsteriskFdsNearLimit => $"Asterisk близок к лимиту файловых дескрипторов: {a.Subject}",
            AlertKind.TrunkUnmatchedRequest => $"Запрос провайдера не сопоставлен ни с одним endpoint: {a.Subject}",
            AlertKind.TrunkNoAudio => $"Звонки без звука, причина в конфигурации: {a.Subject}",
            AlertKind.SipEvidence => $"Записан SIP-обмен: {a.Subject}",
            AlertKind.AsteriskDown => $"Служба Asterisk остановлена ({Detail(a, "state")}): {a.Subject}",
            AlertKind.AsteriskUp => $"Служба Asterisk снова работает: {a.Subject}",
            AlertKind.MaintenanceOn => $"Обслуживание: автоматические действия приостановлены: {a.Subject}",
            AlertKind.MaintenanceOff => $"Обслуживание окончено: автоматические действия возобновлены: {a.Subject}",
            _ => $"{a.Kind}: {a.Subject}",
        };

        public override string? Hint(Alert a) => a.Kind switch
        {
            AlertKind.RegistrationLost when Detail(a, "check") == Healing.HealingPolicy.CheckCredentials =>
                $"Провайдер отклоняет учётные данные (SIP {Detail(a, "cause")}). Проверьте username и password в [{Detail(a, "auth", "секции outbound_auth")}] в pjsip.conf (без опечаток и лишних пробелов) и домен в server_uri/client_uri, затем выполните 'pjsip reload'. Watchdog перерегистрируется один раз и никогда не перезапускает Asterisk из-за этого.",
            AlertKind.RegistrationLost when Detail(a, "check") == Healing.HealingPolicy.CheckDns =>
                $"Имя регистратора не разрешается ({Detail(a, "server_uri", "хост в server_uri")}). Проверьте DNS и /etc/resolv.conf; watchdog не перезапускает Asterisk из-за этого.",
            AlertKind.RegistrationLost when Detail(a, "check") == Healing.HealingPolicy.CheckAsterisk =>
                "Похоже, виноват сам Asterisk: его стек PJSIP не отвечает, или несколько транков либо все пиры отказали одновременно. Watchdog перезапустит его в пределах лимита.",
            AlertKind.RegistrationLost => "Звонки через этот транк не проходят. Проверьте сеть до провайдера и его состояние; watchdog попробует перерегистрироваться и перезапустит Asterisk, только если виноват сам Asterisk.",
            AlertKind.RegistrationRestored when Detail(a, "last_action") is { Length: > 0 } act => Detail(a, "healed") == "true"
                ? $"Помогло действие {act} в {Detail(a, "last_action_at")}: регистрация вернулась через {Detail(a, "seconds_after")} с."
                : $"Регистрация вернулась через {Detail(a, "seconds_after")} с после последнего действия ({act} в {Detail(a, "last_action_at")}); причина устранилась без участия watchdog.",
            AlertKind.AsteriskDown when Detail(a, "state") == "inactive" => "Кто-то остановил Asterisk; watchdog его не запускает. Запустите 'systemctl start asterisk', когда нужно.",
            AlertKind.AsteriskDown => "systemd перестал перезапускать Asterisk; watchdog сбросит состояние и запустит его в пределах лимита. Смотрите 'journalctl -u asterisk'.",
            AlertKind.MaintenanceOn => "Восстановление и блокировки приостановлены; наблюдение продолжается. Режим закончится сам в срок или по 'watchdog maintenance off'.",
            AlertKind.EndpointUnreachable => "Нет ответа на qualify (OPTIONS). Проверьте хост, firewall и NAT.",
            AlertKind.RtpTimeoutSpike => "Звонки рвутся из-за отсутствия медиа. Проверьте NAT (external_media_address) и открыт ли диапазон RTP-портов.",
            AlertKind.AttackSpike => "Нарушители блокируются автоматически; проверьте стойкость SIP-паролей.",
            AlertKind.Remediation when a.Outcome == RemediationOutcome.Failed => "Автоматический ремонт не помог; разберитесь вручную.",
            AlertKind.RemediationCapReached => "Слишком много ремонтов за короткое время; watchdog перестал вмешиваться. Разберитесь вручную.",
            AlertKind.AmiDown => "Watchdog ослеп: нет состояния и ремонта. Проверьте, что Asterisk запущен и manager.conf нас пускает.",
            AlertKind.DnsRecordProblem => "Узлы, ищущие домен в DNS, могут не найти этот PBX. Исправьте запись у DNS-провайдера.",
            AlertKind.TlsCertificateProblem => "SIP через TLS перестанет работать, когда сертификат станет недействителен. Обновите его заранее.",
            AlertKind.AsteriskMemoryGrowing => "Asterisk исчерпает память. Запланируйте перезапуск в тихий час и найдите модуль с утечкой.",
            AlertKind.AsteriskFdsNearLimit => "Новые звонки и соединения начнут отказывать. Поднимите LimitNOFILE / maxfiles или найдите, кто держит дескрипторы.",
            AlertKind.TrunkUnmatchedRequest => "Входящие звонки от провайдера отклоняются. Добавьте адрес в identify транка (см. fix).",
            AlertKind.TrunkNoAudio => "Звонки соединяются, но звука нет. Примените исправление и перезагрузите pjsip.",
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
