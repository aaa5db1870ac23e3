using CuteRooms.Contracts;
using CuteRooms.Api.Messages;
using CuteRooms.Api.Rooms;
using Microsoft.AspNetCore.HttpOverrides;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient(ResourceNames.Redis);
builder.AddMessagingBus();
builder.AddProblemDetailsDefaults();
builder.AddRateLimits();
builder.AddRooms();
builder.Services.AddOpenApi();

// Bodies are small JSON documents; anything larger is refused with 413 before it is read.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

var app = builder.Build();

// The Web's gateway on loopback forwards the browser's address; the limiter partitions by it.
app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
app.UseProblemDetailsDefaults();
app.UseRateLimiter();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapDefaultEndpoints();
app.MapRoomEndpoints();
app.MapMessageEndpoints();

app.Run();

public partial class Program;
