using CuteRooms.Contracts;
using Microsoft.Extensions.Http.Resilience;

namespace CuteRooms.Web.ApiClient;

public static class ApiClientSetup
{
    /// <summary>Name of the Api resource; service discovery resolves it from <c>services:api:http:0</c>.</summary>
    public const string ApiBaseAddress = "http://api";

    public static IHostApplicationBuilder AddCuteRoomsApiClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<ClientAddressHandler>();

        var client = builder.Services
            .AddHttpClient<CuteRoomsApiClient>(http => http.BaseAddress = new Uri(ApiBaseAddress))
            .AddHttpMessageHandler<ClientAddressHandler>();

        // ServiceDefaults gives every client the standard resilience handler. A retried POST could
        // store a second room or message, so this client retries only safe methods.
        builder.Services.Configure<HttpStandardResilienceOptions>($"{client.Name}-standard",
            options => options.Retry.DisableForUnsafeHttpMethods());

        return builder;
    }
}
