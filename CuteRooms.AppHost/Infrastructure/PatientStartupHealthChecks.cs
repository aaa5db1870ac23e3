using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CuteRooms.AppHost.Infrastructure;

/// <summary>
/// Aspire probes a resource that is not healthy yet 1, 2, 3, 4, then every 5 s apart, so a server that
/// becomes ready just after a probe is seen up to 5 s late, and everything that waits for it starts that
/// much later (RabbitMQ boots in about 10 s: its readiness was seen anywhere from 10 to 15 s in). Until a
/// check has once been healthy, each probe here keeps asking every quarter second for up to a minute, so
/// readiness is seen within 250 ms; after that, a probe is the check asked once, as before.
/// </summary>
internal static class PatientStartupHealthChecks
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Applies to every check the AppHost holds: the servers' and the services' <c>/health</c>.</summary>
    public static IServiceCollection AddPatientStartupHealthChecks(this IServiceCollection services) =>
        services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                var inner = registration.Factory;
                var history = new CheckHistory(); // the service makes a check anew for every probe
                registration.Factory = provider => new PatientHealthCheck(inner(provider), history, TimeProvider.System);
            }
        });

    private sealed class CheckHistory
    {
        public volatile bool WasHealthy;
    }

    private sealed class PatientHealthCheck(IHealthCheck inner, CheckHistory history, TimeProvider time) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var giveUpAt = time.GetUtcNow() + Patience;
            while (true)
            {
                var result = await CheckOnceAsync(context, cancellationToken);
                if (result.Status == HealthStatus.Healthy) history.WasHealthy = true;
                if (history.WasHealthy || time.GetUtcNow() >= giveUpAt) return result;
                await Task.Delay(Interval, time, cancellationToken);
            }
        }

        private async Task<HealthCheckResult> CheckOnceAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                return await inner.CheckHealthAsync(context, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // What the health check service itself makes of a check that throws.
                return new HealthCheckResult(context.Registration.FailureStatus, exception.Message, exception);
            }
        }
    }
}
