using System.ComponentModel.DataAnnotations;
using CuteRooms.Contracts;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CuteRooms.Web.ApiClient;

/// <summary>Timing of the Web's calls to the Api, from the <c>ApiClient</c> configuration section; validated on start.</summary>
public sealed class ApiClientOptions
{
    public const string SectionName = "ApiClient";

    /// <summary>One attempt may take this long before it is given up (and, if it may be, retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")] public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

public static class ApiClientSetup
{
    /// <summary>Name of the Api resource; service discovery resolves it from <c>services:api:http:N</c>.</summary>
    public const string ApiBaseAddress = "http://api";

    public static IHostApplicationBuilder AddCuteRoomsApiClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<ClientAddressHandler>();
        builder.Services.AddOptions<ApiClientOptions>()
            .BindConfiguration(ApiClientOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // ServiceDefaults gives every client the standard resilience handler; this one gets its own
        // settings (its retries go to the replica service discovery picked for the request). A POST is retried only when it carries an idempotency key, which makes the Api
        // store it once however often it arrives; a 429 is the user's answer and is never retried.
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience 10.x
        builder.Services
            .AddHttpClient<CuteRoomsApiClient>(http => http.BaseAddress = new Uri(ApiBaseAddress))
            .AddHttpMessageHandler<ClientAddressHandler>()
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler()
            .Configure((resilience, services) =>
            {
                var attempt = services.GetRequiredService<IOptions<ApiClientOptions>>().Value.AttemptTimeout;
                resilience.AttemptTimeout.Timeout = attempt;
                resilience.TotalRequestTimeout.Timeout = Max(resilience.TotalRequestTimeout.Timeout, attempt * 3);
                resilience.CircuitBreaker.SamplingDuration = Max(resilience.CircuitBreaker.SamplingDuration, attempt * 2);
                var transient = resilience.Retry.ShouldHandle;
                resilience.Retry.ShouldHandle = arguments =>
                    arguments.Context.GetRequestMessage() is { } request && IsSafeToRepeat(request)
                    && arguments.Outcome.Result?.StatusCode != System.Net.HttpStatusCode.TooManyRequests
                        ? transient(arguments)
                        : PredicateResult.False();
                // One client's 429s (or any 4xx) say nothing about the Api's health: they must not
                // open the circuit for everyone else.
                var failure = resilience.CircuitBreaker.ShouldHandle;
                resilience.CircuitBreaker.ShouldHandle = arguments =>
                    arguments.Outcome.Result is { StatusCode: var status } && (int)status is >= 400 and < 500
                        ? PredicateResult.False()
                        : failure(arguments);
            });
#pragma warning restore EXTEXP0001

        return builder;
    }

    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Headers.Contains(IdempotencyKeys.Header);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
