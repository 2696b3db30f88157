namespace Watchdog.Cli;

/// <summary>
/// A plain table that fits a width: columns sized to their content, names never split; only the last column
/// (free text) wraps onto continuation lines. ASCII only; colour is added per cell when writing to a terminal.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<(string Text, Tone Tone)[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params (string Text, Tone Tone)[] cells) => _rows.Add(cells);

    public void Add(params string[] cells) => _rows.Add(cells.Select(c => (c, Tone.Plain)).ToArray());

    public void Write(TextWriter output, int width, bool colour)
    {
        var columns = headers.Length;
        var widths = new int[columns];
        for (var c = 0; c < columns; c++)
            widths[c] = Math.Max(headers[c].Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[c].Text.Length));
        var fixedWidth = widths[..^1].Sum() + 2 * (columns - 1) + 2;
        if (fixedWidth + 16 > width)
        {
            WriteAsList(output, width, colour);
            return;
        }
        // The last column gets what is left, and wraps.
        widths[^1] = Math.Min(widths[^1], width - fixedWidth);

        WriteRow(output, headers.Select(h => (h, Tone.Plain)).ToArray(), widths, false);
        foreach (var row in _rows) WriteRow(output, row, widths, colour);
    }

    /// <summary>Too wide for a table: each row as its first cell, then "header value" pairs wrapped under it. Names stay whole.</summary>
    private void WriteAsList(TextWriter output, int width, bool colour)
    {
        foreach (var row in _rows)
        {
            if (row[0].Text.Length > 0) output.WriteLine("  " + Paint(row[0].Text, row[0].Tone, colour));
            var pairs = row.Skip(1).Select((cell, i) => (Header: headers[i + 1].ToLowerInvariant(), cell.Text, cell.Tone)).Where(p => p.Text.Length > 0).ToList();
            if (pairs.Count == 0) continue;
            var line = "   ";
            foreach (var (header, text, tone) in pairs)
            {
                var plain = $" {header} {text}";
                if (plain.Length + 4 > width)
                {
                    // Free text longer than a line (a reason): on lines of its own, word-wrapped.
                    if (line.Length > 3) output.WriteLine(line.TrimEnd(',').TrimEnd());
                    foreach (var part in Wrap($"{header} {text}", width - 4)) output.WriteLine("    " + part);
                    line = "   ";
                    continue;
                }
                if (line.Length > 3 && line.Length + plain.Length + 1 > width)
                {
                    output.WriteLine(line.TrimEnd(',').TrimEnd());
                    line = "   ";
                }
                line += $" {header} {Paint(text, tone, colour)},";
            }
            if (line.Length > 3) output.WriteLine(line.TrimEnd(','));
        }
    }

    private static void WriteRow(TextWriter output, (string Text, Tone Tone)[] row, int[] widths, bool colour)
    {
        var lastLines = Wrap(row[^1].Text, widths[^1]);
        for (var line = 0; line < lastLines.Count; line++)
        {
            var text = new System.Text.StringBuilder("  ");
            for (var c = 0; c < row.Length - 1; c++)
            {
                var cell = line == 0 ? row[c].Text : "";
                text.Append(Paint(cell, row[c].Tone, colour)).Append(' ', widths[c] - cell.Length + 2);
            }
            text.Append(Paint(lastLines[line], line == 0 ? row[^1].Tone : Tone.Plain, colour));
            output.WriteLine(text.ToString().TrimEnd());
        }
    }

    /// <summary>Word-wraps <paramref name="text"/> to <paramref name="width"/>; a word longer than that is cut.</summary>
    internal static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var w = word;
            while (w.Length > width)
            {
                if (current.Length > 0) { lines.Add(current); current = ""; }
                lines.Add(w[..width]);
                w = w[width..];
            }
            if (current.Length == 0) current = w;
            else if (current.Length + 1 + w.Length <= width) current += " " + w;
            else { lines.Add(current); current = w; }
        }
        lines.Add(current);
        return lines;
    }

    public static string Paint(string text, Tone tone, bool colour) => !colour || tone == Tone.Plain || text.Length == 0
        ? text
        : $"\u001b[{(tone == Tone.Good ? "32" : tone == Tone.Bad ? "31" : "33")}m{text}\u001b[0m";
}

/// <summary>How a cell reads: plain, good (green), bad (red), or a warning (yellow).</summary>
internal enum Tone { Plain, Good, Bad, Warn }
