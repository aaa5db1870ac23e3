using CuteRooms.Contracts;

namespace CuteRooms.Web.Gatekeeper;

/// <summary>
/// The gatekeeper's answer for this request, handed to the room page (scoped per request).
/// Null unless the gatekeeper admitted the visitor: the page renders nothing without it.
/// </summary>
public sealed class RoomAdmission
{
    public AdmissionResponse? Current { get; set; }
}
