using System.Diagnostics.Metrics;
using CuteRooms.Api.Rooms;

namespace CuteRooms.Api.Messages;

/// <summary>Messages stored, on the <c>CuteRooms.Api</c> meter.</summary>
public sealed class MessageMetrics(IMeterFactory meterFactory)
{
    private readonly Counter<long> posted = meterFactory.Create(RoomMetrics.MeterName)
        .CreateCounter<long>("cuterooms.messages.posted", description: "Messages stored and published");

    public void MessagePosted() => posted.Add(1);
}
