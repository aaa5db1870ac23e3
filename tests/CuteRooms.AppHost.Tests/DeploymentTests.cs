using k8s.Models;

namespace CuteRooms.AppHost.Tests;

/// <summary>
/// deploy/k8s renders, for a local cluster and for production, into objects that run the services
/// the way the AppHost does: every setting it hands them, probes on their health endpoints, non-root
/// containers, the event streams straight to Realtime through a proxy that does not buffer them.
/// </summary>
public sealed class DeploymentTests(RenderedDeployment deployment, Manifest manifest)
    : IClassFixture<RenderedDeployment>, IClassFixture<Manifest>
{
    private static readonly string[] Services = ["api", "realtime", "web"];

    /// <summary>The stream's keep-alive (Realtime's default <c>KeepAliveInterval</c>): a proxy's read timeout must outlast it.</summary>
    private static readonly TimeSpan StreamKeepAlive = TimeSpan.FromSeconds(15);

    public static TheoryData<string> Overlays => new(RenderedDeployment.Overlays);

    [Theory, MemberData(nameof(Overlays))]
    public void Every_service_probes_alive_and_health_on_the_port_it_listens_on(string overlay)
    {
        Assert.All(Services, service =>
        {
            var container = ContainerOf(overlay, service);
            var listens = ListeningPort(container);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal(listens, PortOf(container, container.LivenessProbe.HttpGet.Port));
            Assert.Equal(listens, PortOf(container, container.ReadinessProbe.HttpGet.Port));
        });
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_ingress_sends_realtime_streams_straight_to_Realtime_without_buffering(string overlay)
    {
        var (ingress, path) = IngressPaths(overlay).Single(route => route.Path.Path == "/realtime");

        Assert.Equal("Prefix", path.PathType);
        Assert.Equal("realtime", path.Backend.Service.Name);
        Assert.Equal(ListeningPort(ContainerOf(overlay, "realtime")), ServicePortTarget(overlay, "realtime", path.Backend.Service.Port));
        var annotations = ingress.Metadata.Annotations;
        Assert.Equal("off", annotations["nginx.ingress.kubernetes.io/proxy-buffering"]);
        Assert.True(TimeSpan.FromSeconds(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])) > StreamKeepAlive * 2);
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Everything_else_goes_to_the_Web_whose_gateway_guards_the_Api(string overlay)
    {
        var others = IngressPaths(overlay).Where(route => route.Path.Path != "/realtime").ToList();

        Assert.Contains(others, route => route.Path.Path == "/");
        Assert.All(others, route => Assert.Equal("web", route.Path.Backend.Service.Name));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_container_runs_as_a_non_root_user_that_cannot_escalate(string overlay)
    {
        var pods = deployment.All<V1Deployment>(overlay).Select(item => (item.Metadata.Name, item.Spec.Template.Spec))
            .Concat(deployment.All<V1StatefulSet>(overlay).Select(item => (item.Metadata.Name, item.Spec.Template.Spec)))
            .ToList();

        Assert.NotEmpty(pods);
        Assert.All(pods.SelectMany(pod => pod.Spec.Containers.Select(container => (pod.Name, pod.Spec, container))), item =>
        {
            var (name, pod, container) = item;
            Assert.True(container.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot, $"{name}/{container.Name} may run as root");
            Assert.True((container.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser) > 0, $"{name}/{container.Name} has no non-root user id");
            Assert.False(container.SecurityContext?.AllowPrivilegeEscalation ?? true, $"{name}/{container.Name} may escalate");
        });
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_setting_the_AppHost_hands_a_service_is_provided(string overlay)
    {
        Assert.All(Services, service =>
        {
            var provided = ProvidedSettings(overlay, service);
            var handed = manifest[service].GetProperty("env").EnumerateObject().Select(variable => variable.Name)
                .Where(name => name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || name.StartsWith("services__", StringComparison.Ordinal)
                    || name.StartsWith("Kestrel__", StringComparison.Ordinal) || name == "HTTP_PORTS")
                .Append("OTEL_SERVICE_NAME");
            Assert.All(handed, name => Assert.True(provided.ContainsKey(name), $"{overlay}: {service} is not given {name}"));
        });
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Connection_strings_come_from_the_connections_secret(string overlay)
    {
        var secret = deployment.All<V1Secret>(overlay).SingleOrDefault(item => item.Metadata.Name.StartsWith("cuterooms-connections", StringComparison.Ordinal));
        Assert.All(Services, service => Assert.All(
            ContainerOf(overlay, service).Env.Where(variable => variable.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal)),
            variable =>
            {
                var reference = variable.ValueFrom?.SecretKeyRef;
                Assert.NotNull(reference);
                if (overlay == "local")
                {
                    // Local makes the Secret; production expects it made beforehand (README "Deploy").
                    Assert.Equal(secret?.Metadata.Name, reference.Name);
                    Assert.Contains(reference.Key, (secret!.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? []));
                }
                else
                {
                    Assert.Null(secret);
                    Assert.Equal("cuterooms-connections", reference.Name);
                }
            }));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_addresses_the_Web_is_given_reach_the_Api_and_Realtime(string overlay)
    {
        var settings = ProvidedSettings(overlay, "web");
        Assert.All(new[] { ("services__api__http__0", "api", "http"), ("services__realtime__http__0", "realtime", "http"), ("services__realtime__h2c__0", "realtime", "h2c") },
            expected =>
            {
                var (setting, service, portName) = expected;
                var address = new Uri(settings[setting]!);
                Assert.Equal(service, address.Host);
                var port = Service(overlay, service).Spec.Ports.Single(candidate => candidate.Port == address.Port);
                var container = ContainerOf(overlay, service);
                Assert.Equal(container.Ports.Single(candidate => candidate.Name == portName).ContainerPort, PortOf(container, port.TargetPort));
            });
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_service_has_a_disruption_budget_and_Realtime_scales_by_itself(string overlay)
    {
        var budgets = deployment.All<V1PodDisruptionBudget>(overlay).ToList();
        Assert.All(Services, service => Assert.Contains(budgets, budget => budget.Spec.Selector.MatchLabels["app.kubernetes.io/name"] == service));

        var autoscaler = Assert.Single(deployment.All<V2HorizontalPodAutoscaler>(overlay));
        Assert.Equal(("Deployment", "realtime"), (autoscaler.Spec.ScaleTargetRef.Kind, autoscaler.Spec.ScaleTargetRef.Name));
        Assert.True(autoscaler.Spec.MinReplicas >= 2, "one Realtime replica leaves nowhere for its streams to resume during a rollout");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void A_stopping_Realtime_pod_leaves_the_endpoints_first_and_has_time_to_end_its_streams(string overlay)
    {
        var pod = deployment.Named<V1Deployment>(overlay, "realtime").Spec.Template.Spec;
        var preStop = pod.Containers.Single().Lifecycle.PreStop.Sleep.Seconds;

        Assert.True(preStop >= 3, "the pod must leave the Service's endpoints before SIGTERM");
        // The host's default shutdown timeout (30 s) is how long ending the streams may take.
        Assert.True(pod.TerminationGracePeriodSeconds >= preStop + 30);
    }

    [Theory]
    [InlineData("api", "CuteRooms.Api")]
    [InlineData("realtime", "CuteRooms.Realtime")]
    [InlineData("web", "CuteRooms.Web")]
    public void The_images_the_projects_build_are_the_ones_deployed_as_the_same_user_and_ports(string service, string project)
    {
        var settings = RenderedDeployment.ContainerSettingsOf(project);

        Assert.All(RenderedDeployment.Overlays, overlay =>
        {
            var pod = deployment.Named<V1Deployment>(overlay, service).Spec.Template.Spec;
            var container = pod.Containers.Single();
            Assert.StartsWith(settings.Repository + ":", container.Image);
            Assert.Equal(settings.User, $"{container.SecurityContext?.RunAsUser ?? pod.SecurityContext.RunAsUser}");
            Assert.Equal(settings.Ports, container.Ports.Select(port => port.ContainerPort).ToHashSet());
        });
    }

    private V1Container ContainerOf(string overlay, string service) =>
        deployment.Named<V1Deployment>(overlay, service).Spec.Template.Spec.Containers.Single();

    private V1Service Service(string overlay, string name) => deployment.Named<V1Service>(overlay, name);

    private IEnumerable<(V1Ingress Ingress, V1HTTPIngressPath Path)> IngressPaths(string overlay) =>
        deployment.All<V1Ingress>(overlay).SelectMany(ingress => ingress.Spec.Rules.SelectMany(rule => rule.Http.Paths.Select(path => (ingress, path))));

    /// <summary>A container's environment: its own variables and those of the ConfigMaps it takes whole (values null when from a Secret).</summary>
    private Dictionary<string, string?> ProvidedSettings(string overlay, string service)
    {
        var container = ContainerOf(overlay, service);
        var settings = new Dictionary<string, string?>();
        foreach (var source in container.EnvFrom ?? [])
        {
            var map = deployment.Named<V1ConfigMap>(overlay, source.ConfigMapRef.Name);
            foreach (var (key, value) in map.Data) settings[key] = value;
        }
        foreach (var variable in container.Env ?? []) settings[variable.Name] = variable.Value;
        return settings;
    }

    /// <summary>The port the service's Kestrel listens on, from the setting that tells it (as the AppHost sets it).</summary>
    private static int ListeningPort(V1Container container)
    {
        var env = container.Env.ToDictionary(variable => variable.Name, variable => variable.Value);
        return env.TryGetValue("HTTP_PORTS", out var ports) ? int.Parse(ports)
            : new Uri(env["Kestrel__Endpoints__http__Url"].Replace("+", "any", StringComparison.Ordinal)).Port;
    }

    private static int PortOf(V1Container container, IntOrString port) =>
        int.TryParse(port.Value, out var number) ? number : container.Ports.Single(candidate => candidate.Name == port.Value).ContainerPort;

    private int ServicePortTarget(string overlay, string service, V1ServiceBackendPort backend)
    {
        var port = Service(overlay, service).Spec.Ports.Single(candidate => backend.Name is { } name ? candidate.Name == name : candidate.Port == backend.Number);
        return PortOf(ContainerOf(overlay, service), port.TargetPort);
    }
}
