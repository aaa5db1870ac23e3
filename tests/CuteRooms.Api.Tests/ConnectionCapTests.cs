using Microsoft.Extensions.Hosting;

namespace CuteRooms.Api.Tests;

/// <summary>ServiceDefaults' connection cap, as every service derives it from its open-file limit.</summary>
public sealed class ConnectionCapTests
{
    private static readonly string[] ProcLimits =
    [
        "Limit                     Soft Limit           Hard Limit           Units     ",
        "Max processes             96362                96362                processes ",
        "Max open files            20000                20000                files     ",
        "Max locked memory         8388608              8388608              bytes     ",
    ];

    [Fact]
    public void The_open_file_limit_is_the_soft_limit_of_proc_self_limits() =>
        Assert.Equal(20_000, ConnectionCap.OpenFileLimitFrom(ProcLimits));

    [Fact]
    public void An_unlimited_or_missing_open_file_limit_is_unknown()
    {
        Assert.Null(ConnectionCap.OpenFileLimitFrom(["Max open files            unlimited            unlimited            files     "]));
        Assert.Null(ConnectionCap.OpenFileLimitFrom(["Max processes             96362                96362                processes "]));
    }

    [Fact]
    public void The_cap_leaves_a_thousand_files_for_the_service_itself() =>
        Assert.Equal(19_000, ConnectionCap.FromOpenFileLimit(20_000));

    [Fact]
    public void A_limit_too_small_to_leave_room_or_an_unknown_one_sets_no_cap()
    {
        Assert.Null(ConnectionCap.FromOpenFileLimit(1_024));
        Assert.Null(ConnectionCap.FromOpenFileLimit(null));
    }

    [Fact]
    public void On_linux_a_process_reads_its_own_open_file_limit()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/self/limits is Linux's");
        Assert.True(ConnectionCap.OpenFileLimit() > 0);
    }
}
