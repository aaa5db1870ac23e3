using CuteRooms.Contracts;
using CuteRooms.Api.Limits;
using CuteRooms.Api.Members;
using CuteRooms.Api.Messages;
using CuteRooms.Api.Rooms;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient(ResourceNames.Redis);
builder.AddMessagingBus();
builder.AddProblemDetailsDefaults();
builder.AddTrustedProxies(TrustedProxiesExtensions.Loopback); // the Web's gateway tells the client's address
builder.AddAbuseLimits();
builder.AddRooms();
builder.Services.AddOpenApi();

// Bodies are small JSON documents; anything larger is refused with 413 before it is read.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UseTrustedProxies();
app.UseRateLimiter();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapDefaultEndpoints();
app.MapRoomEndpoints();
app.MapMessageEndpoints();
app.MapMemberEndpoints();

app.Run();

public partial class Program;
