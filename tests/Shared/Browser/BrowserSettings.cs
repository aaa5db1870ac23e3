namespace CuteRooms.Tests;

/// <summary>How the tests drive Chromium: the machine's own build, headless, with nothing phoning home.</summary>
public static class BrowserSettings
{
    public static BrowserTypeLaunchOptions Launch { get; } = new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    };

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
}
