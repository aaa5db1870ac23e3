using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Streams;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient();
builder.AddRoomFanout();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapRoomEventStreams();

app.Run();

public partial class Program;
