using CuteRooms.Api.Messages;

namespace CuteRooms.Api.Rooms;

public static class RoomsSetup
{
    public static IHostApplicationBuilder AddRooms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoomOptions>()
            .BindConfiguration(RoomOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RoomStore>();
        builder.Services.AddSingleton<RoomMetrics>();
        builder.Services.AddSingleton<MessageMetrics>();
        return builder;
    }
}
