using System.Diagnostics.Metrics;

namespace CuteRooms.Api.Rooms;

/// <summary>Counters of the Api, on the <c>CuteRooms.Api</c> meter.</summary>
public sealed class RoomMetrics
{
    public const string MeterName = "CuteRooms.Api";

    private readonly Counter<long> roomsCreated;
    private readonly Counter<long> membersJoined;
    private readonly Counter<long> admissionsRefused;
    private readonly Counter<long> admissionsLimited;

    public RoomMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        roomsCreated = meter.CreateCounter<long>("cuterooms.rooms.created", description: "Rooms created");
        membersJoined = meter.CreateCounter<long>("cuterooms.members.joined", description: "New members admitted to a room");
        admissionsRefused = meter.CreateCounter<long>("cuterooms.admissions.refused", description: "Admissions refused because the room was full");
        admissionsLimited = meter.CreateCounter<long>("cuterooms.admissions.limited", description: "New members refused because their address made too many");
    }

    public void RoomCreated() => roomsCreated.Add(1);
    public void MemberJoined() => membersJoined.Add(1);
    public void AdmissionRefused() => admissionsRefused.Add(1);
    public void AdmissionLimited() => admissionsLimited.Add(1);
}
