namespace Watchdog.Agent.Doctor;

/// <summary>
/// One section of an Asterisk configuration file with its template values already applied
/// (templates first, then the section's own lines, so the last value of a key wins).
/// </summary>
/// <param name="Name">The name between the brackets.</param>
/// <param name="IsTemplate">Declared with <c>(!)</c>; Asterisk does not create an object from it.</param>
/// <param name="Templates">Templates it inherits from, in declaration order.</param>
/// <param name="Values">Every key/value line after inheritance, in order (keys lower-cased).</param>
/// <param name="File">The file the section was declared in, as Asterisk resolves it: relative to the configuration
/// directory (<c>pjsip.conf</c>, <c>manager.d/watchdog.conf</c>) or absolute when the <c>#include</c> was.</param>
/// <param name="Line">1-based line of the section header.</param>
public sealed record ConfigSection(
    string Name, bool IsTemplate, IReadOnlyList<string> Templates, IReadOnlyList<KeyValuePair<string, string>> Values, string File, int Line)
{
    /// <summary>The last value of <paramref name="key"/> (case-insensitive), or null.</summary>
    public string? Get(string key)
    {
        for (var i = Values.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Values[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return Values[i].Value;
            }
        }

        return null;
    }

    /// <summary>Every value of <paramref name="key"/> in order (e.g. several <c>match=</c> lines).</summary>
    public IEnumerable<string> GetAll(string key) =>
        Values.Where(v => string.Equals(v.Key, key, StringComparison.OrdinalIgnoreCase)).Select(v => v.Value);

    /// <summary>The <c>type=</c> of a PJSIP section, lower-cased, or empty.</summary>
    public string Type => Get("type")?.ToLowerInvariant() ?? "";

    /// <summary>Where to put a fix, e.g. <c>pjsip.conf [mango]</c> or <c>pjsip_trunks.conf [mango]</c>: the real file.</summary>
    public string Location => $"{File} [{Name}]";
}

/// <summary>A file an <c>#include</c> resolved to: its name as findings show it, and its text.</summary>
public sealed record IncludedFile(string Name, string Text);

/// <summary>
/// An <c>#include</c> (or <c>#tryinclude</c>) whose target matched no file. Asterisk refuses to load a file whose
/// <c>#include</c> target is missing; <c>#tryinclude</c> is the same without that failure.
/// </summary>
public sealed record MissingInclude(string File, int Line, string Target, bool Optional);

/// <summary>
/// A parsed Asterisk configuration file: sections in order (names may repeat — PJSIP uses one name for the
/// endpoint, aor and auth), <c>;</c> and <c>;-- --;</c> comments, <c>key=value</c> and <c>key =&gt; value</c>,
/// <c>[name](!)</c> templates, <c>[name](tpl1,tpl2)</c> inheritance, <c>[name](+)</c> additions, and
/// <c>#include</c>/<c>#tryinclude</c> of other files.
/// </summary>
/// <remarks>
/// Includes follow Asterisk's main/config.c (process_text_line, config_text_file_load): a relative target is
/// relative to the configuration directory, not to the including file; the target may be a glob
/// (<c>#include manager.d/*.conf</c>, files in name order); the included text continues the section open at the
/// <c>#include</c> and the lines after it go on in that same section; a target that matches nothing fails the
/// whole file ("The file '%s' was listed as a #include but it does not exist") unless it is <c>#tryinclude</c>.
/// See also docs.asterisk.org, "Using The include, tryinclude and exec Constructs".
/// </remarks>
public sealed class AsteriskConfig
{
    private const int MaxIncludeDepth = 8;

    private AsteriskConfig(IReadOnlyList<ConfigSection> all, IReadOnlyList<MissingInclude> missingIncludes)
    {
        All = all;
        MissingIncludes = missingIncludes;
    }

    /// <summary>Every section including templates.</summary>
    public IReadOnlyList<ConfigSection> All { get; }

    /// <summary>Include lines that matched no file.</summary>
    public IReadOnlyList<MissingInclude> MissingIncludes { get; }

    /// <summary>Sections Asterisk turns into objects (templates left out).</summary>
    public IEnumerable<ConfigSection> Sections => All.Where(s => !s.IsTemplate);

    /// <summary>The non-template sections with <c>type=<paramref name="type"/></c>.</summary>
    public IEnumerable<ConfigSection> OfType(string type) => Sections.Where(s => s.Type == type);

    /// <summary>The first non-template section called <paramref name="name"/> (of <paramref name="type"/> when given).</summary>
    public ConfigSection? Find(string name, string? type = null) =>
        Sections.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal) && (type is null || s.Type == type));

    /// <summary>Parses <paramref name="text"/>; <c>#include</c> lines are resolved by <paramref name="readInclude"/> (null: ignored).</summary>
    public static AsteriskConfig Parse(string text, string fileName, Func<string, string?>? readInclude = null) =>
        ParseWithIncludes(text, fileName, readInclude is null ? null : target => readInclude(target) is { } t ? [new IncludedFile(target, t)] : []);

    /// <summary>Parses <paramref name="text"/>; each <c>#include</c> target is expanded by <paramref name="resolveInclude"/> into the files it names.</summary>
    public static AsteriskConfig ParseWithIncludes(string text, string fileName, Func<string, IReadOnlyList<IncludedFile>>? resolveInclude)
    {
        var builder = new Builder(resolveInclude);
        builder.Read(text, fileName, null, 0);
        return new AsteriskConfig(builder.Build(), builder.Missing);
    }

    /// <summary>Reads <paramref name="fileName"/> from <paramref name="directory"/>, following includes there; null when missing.</summary>
    public static async Task<AsteriskConfig?> LoadAsync(string directory, string fileName, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return ParseWithIncludes(text, fileName, target => Resolve(directory, target));
    }

    /// <summary>The files an include target names: one file, or every file a glob in its last part matches, in name order.</summary>
    public static IReadOnlyList<IncludedFile> Resolve(string directory, string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var full = Path.IsPathRooted(target) ? target : Path.Combine(directory, target);
        var pattern = Path.GetFileName(full);
        if (pattern.IndexOfAny(['*', '?']) < 0)
        {
            return File.Exists(full) ? [new IncludedFile(target, File.ReadAllText(full))] : [];
        }

        var folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            return [];
        }

        var written = Path.GetDirectoryName(target) ?? "";
        return Directory.GetFiles(folder, pattern)
            .Order(StringComparer.Ordinal)
            .Select(f => new IncludedFile(written.Length == 0 ? Path.GetFileName(f) : $"{written}/{Path.GetFileName(f)}", File.ReadAllText(f)))
            .ToList();
    }

    private sealed class Builder(Func<string, IReadOnlyList<IncludedFile>>? resolveInclude)
    {
        private readonly List<Raw> _sections = [];

        public List<MissingInclude> Missing { get; } = [];

        public void Read(string text, string fileName, Raw? current, int depth)
        {
            var inBlockComment = false;
            var lineNumber = 0;
            foreach (var rawLine in text.Split('\n'))
            {
                lineNumber++;
                var line = StripComments(rawLine, ref inBlockComment).Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (line[0] == '#')
                {
                    var optional = line.StartsWith("#tryinclude", StringComparison.OrdinalIgnoreCase);
                    if ((optional || line.StartsWith("#include", StringComparison.OrdinalIgnoreCase)) && resolveInclude is not null && depth < MaxIncludeDepth)
                    {
                        var target = line[(optional ? "#tryinclude" : "#include").Length..].Trim().Trim('"', '<', '>').Trim();
                        var files = resolveInclude(target);
                        if (files.Count == 0)
                        {
                            Missing.Add(new MissingInclude(fileName, lineNumber, target, optional));
                        }

                        // The included text continues the open section; what follows the #include stays in it too.
                        foreach (var file in files)
                        {
                            Read(file.Text, file.Name, current, depth + 1);
                        }
                    }

                    continue;
                }

                if (line[0] == '[')
                {
                    current = Header(line, fileName, lineNumber);
                    continue;
                }

                if (current is null)
                {
                    continue;
                }

                var arrow = line.IndexOf("=>", StringComparison.Ordinal);
                var equals = line.IndexOf('=');
                var split = arrow >= 0 && arrow <= equals ? arrow : equals;
                if (split <= 0)
                {
                    continue;
                }

                var key = line[..split].Trim().TrimEnd('+').Trim().ToLowerInvariant();
                var value = line[(split + (split == arrow ? 2 : 1))..].Trim().Replace("\\;", ";", StringComparison.Ordinal);
                current.Own.Add(new(key, value));
            }
        }

        private Raw Header(string line, string fileName, int lineNumber)
        {
            var close = line.IndexOf(']');
            var name = (close > 0 ? line[1..close] : line[1..]).Trim();
            var isTemplate = false;
            var append = false;
            var templates = new List<string>();
            if (close > 0 && line.IndexOf('(', close) is var open and >= 0 && line.IndexOf(')', open) is var end and > 0)
            {
                foreach (var option in line[(open + 1)..end].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    switch (option)
                    {
                        case "!":
                            isTemplate = true;
                            break;
                        case "+":
                            append = true;
                            break;
                        default:
                            templates.Add(option);
                            break;
                    }
                }
            }

            if (append && _sections.LastOrDefault(s => s.Name == name) is { } existing)
            {
                return existing;
            }

            var raw = new Raw(name, isTemplate, templates, fileName, lineNumber);
            _sections.Add(raw);
            return raw;
        }

        public IReadOnlyList<ConfigSection> Build()
        {
            var resolved = new List<ConfigSection>(_sections.Count);
            for (var i = 0; i < _sections.Count; i++)
            {
                var values = new List<KeyValuePair<string, string>>();
                Collect(i, values, 0);
                var s = _sections[i];
                resolved.Add(new ConfigSection(s.Name, s.IsTemplate, s.Templates, values, s.File, s.Line));
            }

            return resolved;
        }

        // A template is looked up among sections declared before the one that names it, as Asterisk does.
        private void Collect(int index, List<KeyValuePair<string, string>> values, int depth)
        {
            var section = _sections[index];
            if (depth < MaxIncludeDepth)
            {
                foreach (var template in section.Templates)
                {
                    var found = index == 0 ? -1 : _sections.FindLastIndex(index - 1, index, s => s.Name == template);
                    if (found >= 0)
                    {
                        Collect(found, values, depth + 1);
                    }
                }
            }

            values.AddRange(section.Own);
        }

        private static string StripComments(string line, ref bool inBlockComment)
        {
            var result = new System.Text.StringBuilder(line.Length);
            for (var i = 0; i < line.Length; i++)
            {
                if (inBlockComment)
                {
                    if (line.AsSpan(i).StartsWith("--;"))
                    {
                        inBlockComment = false;
                        i += 2;
                    }

                    continue;
                }

                if (line[i] == ';' && (i == 0 || line[i - 1] != '\\'))
                {
                    if (line.AsSpan(i).StartsWith(";--"))
                    {
                        inBlockComment = true;
                        i += 2;
                        continue;
                    }

                    break;
                }

                result.Append(line[i]);
            }

            return result.ToString().TrimEnd('\r');
        }
    }

    private sealed record Raw(string Name, bool IsTemplate, List<string> Templates, string File, int Line)
    {
        public List<KeyValuePair<string, string>> Own { get; } = [];
    }
}
