using System.Globalization;
using System.Text;

namespace CuteRooms.Tests;

/// <summary>
/// Where a test system's service logs go: a file beside the test binaries, each line stamped with
/// the time it arrived. CI prints their ends when a run fails, so a rare failure comes with what
/// the services were saying at the time.
/// </summary>
public static class ServiceLogFile
{
    public static TextWriter Create(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "service-logs");
        Directory.CreateDirectory(directory);
        return TextWriter.Synchronized(new Timestamped(new StreamWriter(Path.Combine(directory, name + ".log"), append: false)));
    }

    private sealed class Timestamped(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void WriteLine(string? value) =>
            inner.WriteLine($"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {value}");

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
