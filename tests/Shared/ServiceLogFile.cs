using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

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
        return TextWriter.Synchronized(new Timestamped(new StreamWriter(Path.Combine(directory, name + ".log"), append: false) { AutoFlush = true }));
    }

    /// <summary>
    /// Writes every log entry to the file as <c>[category] message</c>; under Aspire.Hosting.Testing
    /// each resource's console output arrives as entries of category <c>…Resources.{resource}</c>.
    /// </summary>
    public sealed class Provider(TextWriter file) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new FileLogger(file, ShortName(categoryName));

        public void Dispose()
        {
        }

        private static string ShortName(string category) =>
            category.LastIndexOf(".Resources.", StringComparison.Ordinal) is var at and >= 0 ? category[(at + ".Resources.".Length)..] : category;
    }

    private sealed class FileLogger(TextWriter file, string name) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                file.WriteLine($"[{name}] {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
            catch (ObjectDisposedException)
            {
                // A resource's last lines can arrive after its test system was disposed.
            }
        }
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
