namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// Builds a config directory from the committed fixtures: the good Mango/ElevenLabs set, with the files of one
/// broken case laid over it, so each broken folder holds only the file it breaks.
/// </summary>
internal sealed class DoctorFixtures : IDisposable
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Diagnosis", "Fixtures");

    public DoctorFixtures(string? overlay = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "watchdog-doctor-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Copy(Path.Combine(Root, "good"));
        if (overlay is not null)
        {
            Copy(Path.Combine(Root, overlay));
        }
    }

    public string Directory { get; }

    public static string Ufw(string name) => File.ReadAllText(Path.Combine(Root, "ufw", name + ".txt"));

    public void Delete(string file) => File.Delete(Path.Combine(Directory, file));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    // Sub-folders too (manager.d/), for the #include cases.
    private void Copy(string from)
    {
        foreach (var file in System.IO.Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Directory, Path.GetRelativePath(from, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
