namespace Watchdog.Agent.Doctor;

/// <summary>The UDP port range Asterisk uses for media.</summary>
public readonly record struct RtpPortRange(int Start, int End)
{
    /// <summary>Asterisk's built-in range when rtp.conf sets none.</summary>
    public static RtpPortRange AsteriskDefault => new(5000, 31000);

    /// <inheritdoc />
    public override string ToString() => $"{Start}:{End}";
}

/// <summary>Checks rtp.conf: <c>rtpstart</c>/<c>rtpend</c> present and sane; yields the range for the firewall check.</summary>
public static class RtpAudit
{
    /// <summary>Findings for rtp.conf (null when the file is missing) and the range Asterisk will use.</summary>
    public static (IReadOnlyList<DoctorFinding> Findings, RtpPortRange Range) Audit(AsteriskConfig? rtp)
    {
        const string Id = "rtp.range";
        var findings = new List<DoctorFinding>();
        var general = rtp?.Find("general");
        var start = general?.Get("rtpstart");
        var end = general?.Get("rtpend");
        if (start is null || end is null)
        {
            findings.Add(new DoctorFinding(Id, FindingSeverity.Info, "rtp.conf [general]",
                $"rtpstart={start ?? "(unset)"} rtpend={end ?? "(unset)"}: Asterisk uses {RtpPortRange.AsteriskDefault.Start}-{RtpPortRange.AsteriskDefault.End}",
                "A wide implicit media range is hard to open exactly in the firewall.",
                "In rtp.conf [general] set: rtpstart=10000 and rtpend=20000"));
            return (findings, RtpPortRange.AsteriskDefault);
        }

        if (!int.TryParse(start, out var s) || !int.TryParse(end, out var e) || s < 1024 || e > 65535 || s >= e)
        {
            findings.Add(new DoctorFinding(Id, FindingSeverity.Critical, "rtp.conf [general]",
                $"rtpstart={start} rtpend={end}",
                "Asterisk cannot allocate RTP ports: calls connect without audio or fail.",
                "In rtp.conf [general] set: rtpstart=10000 and rtpend=20000"));
            return (findings, RtpPortRange.AsteriskDefault);
        }

        findings.Add(DoctorFinding.Ok(Id, "rtp.conf [general]", $"rtpstart={s} rtpend={e}"));
        return (findings, new RtpPortRange(s, e));
    }
}
