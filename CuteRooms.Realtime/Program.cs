using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Streams;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient(ResourceNames.Redis);
builder.AddRoomFanout();
builder.AddProblemDetailsDefaults();

var app = builder.Build();

app.UseProblemDetailsDefaults();

app.MapDefaultEndpoints();
app.MapRoomEventStreams();
app.MapFanoutDiagnostics();

app.Run();

public partial class Program;
