namespace Watchdog.Agent.Detection;

/// <summary>Where an attack was seen. Also the <c>source</c> metric label (ssh, sip, ami, manual), so keep it small.</summary>
public enum AttackSource
{
    /// <summary>sshd, from auth.log or journald.</summary>
    Ssh,
    /// <summary>SIP (PJSIP/chan_sip) security events.</summary>
    Sip,
    /// <summary>Asterisk Manager Interface logins.</summary>
    Ami,
    /// <summary>An operator's ban (only for bans, never for failures).</summary>
    Manual,
}

/// <summary>Label text for <see cref="AttackSource"/>.</summary>
public static class AttackSourceLabel
{
    /// <summary>"ssh", "sip", "ami" or "manual".</summary>
    public static string Of(AttackSource source) => source switch
    {
        AttackSource.Ssh => "ssh",
        AttackSource.Sip => "sip",
        AttackSource.Ami => "ami",
        _ => "manual",
    };
}
