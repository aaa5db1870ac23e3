namespace CuteRooms.Hosting;

/// <summary>
/// Writes each child's lines as <c>[name] line</c>, one whole line at a time, coloured per resource
/// when the writer is a terminal.
/// </summary>
internal sealed class LogSink
{
    private static readonly string[] Palette =
    [
        "\u001b[36m", // cyan
        "\u001b[33m", // yellow
        "\u001b[32m", // green
        "\u001b[35m", // magenta
        "\u001b[34m", // blue
        "\u001b[96m", // bright cyan
        "\u001b[93m", // bright yellow
        "\u001b[92m", // bright green
        "\u001b[95m", // bright magenta
    ];
    private const string Reset = "\u001b[0m";

    private readonly TextWriter? _writer;
    private readonly bool _colour;
    private readonly Dictionary<string, string> _colours = [];
    private readonly Lock _gate = new();

    public LogSink(TextWriter? writer)
    {
        _writer = writer;
        _colour = writer is not null
            && ReferenceEquals(writer, Console.Out)
            && !Console.IsOutputRedirected
            && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    }

    public void Write(string resource, string line)
    {
        if (_writer is null)
        {
            return;
        }
        lock (_gate)
        {
            try
            {
                if (_colour)
                {
                    if (!_colours.TryGetValue(resource, out var colour))
                    {
                        _colours[resource] = colour = Palette[_colours.Count % Palette.Length];
                    }
                    _writer.WriteLine($"{colour}[{resource}]{Reset} {line}");
                }
                else
                {
                    _writer.WriteLine($"[{resource}] {line}");
                }
                _writer.Flush();
            }
            catch (ObjectDisposedException)
            {
                // The host is shutting down and closed its writer.
            }
        }
    }
}
