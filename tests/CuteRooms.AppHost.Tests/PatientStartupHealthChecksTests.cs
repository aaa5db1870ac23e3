using CuteRooms.AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CuteRooms.AppHost.Tests;

/// <summary>The AppHost's health checks see a server the moment it is ready, not at Aspire's next probe.</summary>
public sealed class PatientStartupHealthChecksTests
{
    [Fact]
    public async Task A_probe_before_the_first_healthy_answer_keeps_asking_until_the_check_is_healthy()
    {
        var check = new ScriptedCheck(HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Healthy);
        var health = HealthChecksOf(check);

        var report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(3, check.Calls);
    }

    [Fact]
    public async Task Once_a_check_has_been_healthy_a_probe_asks_it_once()
    {
        var check = new ScriptedCheck(HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Healthy);
        var health = HealthChecksOf(check);
        await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        var report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(2, check.Calls);
    }

    [Fact]
    public async Task A_check_that_throws_counts_as_its_failure_status_and_is_asked_again()
    {
        var check = new ScriptedCheck(null, HealthStatus.Healthy);
        var health = HealthChecksOf(check);

        var report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(2, check.Calls);
    }

    private static HealthCheckService HealthChecksOf(IHealthCheck check)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddCheck("server", check);
        services.AddPatientStartupHealthChecks();
        return services.BuildServiceProvider().GetRequiredService<HealthCheckService>();
    }

    /// <summary>Answers with each status in turn (null: throws), then the last one for ever.</summary>
    private sealed class ScriptedCheck(params HealthStatus?[] answers) : IHealthCheck
    {
        public int Calls { get; private set; }

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var answer = answers[Math.Min(Calls++, answers.Length - 1)];
            return answer is { } status
                ? Task.FromResult(new HealthCheckResult(status))
                : throw new InvalidOperationException("connection refused");
        }
    }
}
