using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace CuteRooms.AppHost.Tests;

/// <summary>
/// The Kubernetes objects of both overlays, rendered by <c>kubectl kustomize</c> as an operator would
/// and read as the Kubernetes client library's models; and the container settings the projects declare.
/// </summary>
public sealed class RenderedDeployment
{
    public static readonly DirectoryInfo RepositoryRoot = new DirectoryInfo(AppHostProcess.ProjectDirectory).Parent!;

    public static readonly string[] Overlays = ["local", "production"];

    private readonly Dictionary<string, IReadOnlyList<object>> rendered = [];

    public IReadOnlyList<object> Objects(string overlay)
    {
        lock (rendered)
        {
            if (!rendered.TryGetValue(overlay, out var objects))
            {
                var yaml = Run("kubectl", "kustomize", Path.Combine(RepositoryRoot.FullName, "deploy", "k8s", "overlays", overlay));
                rendered[overlay] = objects = KubernetesYaml.LoadAllFromString(yaml);
            }
            return objects;
        }
    }

    public IEnumerable<T> All<T>(string overlay) => Objects(overlay).OfType<T>();

    public T Named<T>(string overlay, string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>(overlay).SingleOrDefault(item => item.Metadata.Name == name)
        ?? throw new InvalidOperationException($"{overlay} renders no {typeof(T).Name} named {name}.");

    /// <summary>The container settings of a project, as MSBuild evaluates them.</summary>
    public static ContainerSettings ContainerSettingsOf(string project)
    {
        var path = Path.Combine(RepositoryRoot.FullName, project, $"{project}.csproj");
        using var evaluated = JsonDocument.Parse(Run(AppHostProcess.DotnetHost, "msbuild", path,
            "-getProperty:ContainerRepository", "-getProperty:ContainerUser", "-getItem:ContainerPort"));
        var properties = evaluated.RootElement.GetProperty("Properties");
        var ports = evaluated.RootElement.GetProperty("Items").GetProperty("ContainerPort").EnumerateArray()
            .Select(port => int.Parse(port.GetProperty("Identity").GetString()!)).ToHashSet();
        return new(properties.GetProperty("ContainerRepository").GetString()!, properties.GetProperty("ContainerUser").GetString()!, ports);
    }

    public sealed record ContainerSettings(string Repository, string User, IReadOnlySet<int> Ports);

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish.");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {errors.Result}");
        return output.Result;
    }
}
