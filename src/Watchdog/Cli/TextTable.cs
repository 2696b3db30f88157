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
        // The last column gets what is left, but never less than 16 (then the line is wider than asked).
        widths[^1] = Math.Min(widths[^1], Math.Max(16, width - fixedWidth));

        WriteRow(output, headers.Select(h => (h, Tone.Plain)).ToArray(), widths, false);
        foreach (var row in _rows) WriteRow(output, row, widths, colour);
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
