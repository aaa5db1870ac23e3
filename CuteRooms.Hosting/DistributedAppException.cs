namespace CuteRooms.Hosting;

/// <summary>The system could not be started: a child exited early or was not healthy in time.</summary>
public sealed class DistributedAppException(string message) : Exception(message);
