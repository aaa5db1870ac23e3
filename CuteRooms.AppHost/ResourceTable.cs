using System.Text.Json;
using CuteRooms.Hosting;

namespace CuteRooms.AppHost;

/// <summary>The table of resources printed once everything is up (our stand-in for Aspire's dashboard).</summary>
internal static class ResourceTable
{
    /// <summary>When set, the resources (with PIDs) are also written there as JSON: for tests and scripts.</summary>
    public const string StateFileVariable = "CUTEROOMS_APPHOST_STATE_FILE";

    public static void Print(TextWriter output, IReadOnlyList<ResourceInfo> resources)
    {
        string[] header = ["NAME", "KIND", "STATE", "PID", "SOURCE", "URL", "HEALTH"];
        var rows = resources
            .Select(r => new[] { r.Name, r.Kind, r.State, r.Pid?.ToString() ?? "-", r.Source, Redact(r.Endpoint), r.HealthUrl?.ToString() ?? "-" })
            .ToList();
        var widths = header.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();

        string Line(string[] cells) => string.Join("  ", cells.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd();
        output.WriteLine();
        output.WriteLine(Line(header));
        output.WriteLine(Line([.. widths.Select(w => new string('-', w))]));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }
        output.WriteLine();
        output.Flush();
    }

    public static void WriteStateFile(IReadOnlyList<ResourceInfo> resources)
    {
        var path = Environment.GetEnvironmentVariable(StateFileVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(resources, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Hides a password in a URI-style connection string (amqp://user:pass@host/).</summary>
    private static string Redact(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':') && uri.UserInfo != "guest:guest"
            ? endpoint.Replace(uri.UserInfo, uri.UserInfo[..uri.UserInfo.IndexOf(':')] + ":***", StringComparison.Ordinal)
            : endpoint;
}
