using CuteRooms.Realtime.Fanout;
using CuteRooms.Realtime.Streams;
using Microsoft.Extensions.Time.Testing;

namespace CuteRooms.Realtime.Tests;

/// <summary>
/// A subscriber is cut off by its lag, not by buffer size: the age of the oldest frame its stream has
/// not flushed, or the bytes it has not flushed. The stream's writer is played by the test.
/// </summary>
public sealed class SubscriberLagTests
{
    private readonly FakeTimeProvider time = new();
    private readonly RealtimeOptions options = new() { MaxLag = TimeSpan.FromSeconds(10), MaxQueuedBytes = 64 * 1024 };

    private Subscriber NewSubscriber() => new("room", "token", options, time);

    private static SseFrame Frame() => SseFrame.Destroyed;

    /// <summary>The writer takes everything queued and starts flushing it (the flush never completes: a stalled reader).</summary>
    private static void TakeAndStartFlushing(Subscriber subscriber)
    {
        long oldest = 0;
        while (subscriber.Outbox.TryRead(out var queued)) if (oldest == 0) oldest = queued.QueuedAt;
        subscriber.Flushing(oldest);
    }

    [Fact]
    public void A_subscriber_whose_flush_has_waited_longer_than_the_lag_bound_is_cut_off_at_the_next_frame()
    {
        var subscriber = NewSubscriber();
        Assert.True(subscriber.TryEnqueue(Frame()));
        TakeAndStartFlushing(subscriber);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.True(subscriber.TryEnqueue(Frame()));
        Assert.False(subscriber.CutOff.IsCancellationRequested);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(subscriber.TryEnqueue(Frame()));
        Assert.True(SpinWait.SpinUntil(() => subscriber.CutOff.IsCancellationRequested, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_subscriber_that_keeps_flushing_in_time_is_never_cut_off()
    {
        var subscriber = NewSubscriber();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(subscriber.TryEnqueue(Frame()));
            TakeAndStartFlushing(subscriber);
            time.Advance(TimeSpan.FromSeconds(1));
            subscriber.Flushed(Frame().Bytes.Length);
        }
        Assert.False(subscriber.CutOffIfBehind());
        Assert.False(subscriber.CutOff.IsCancellationRequested);
    }

    [Fact]
    public void A_subscriber_with_more_unflushed_bytes_than_the_bound_is_cut_off_however_young_they_are()
    {
        var subscriber = new Subscriber("room", "token", new RealtimeOptions { OutboxCapacity = 100_000, MaxQueuedBytes = 16 * 1024 }, time);
        var frame = SseFrame.Destroyed;
        var queued = 0;
        while (subscriber.TryEnqueue(frame)) queued++;

        Assert.InRange(queued * frame.Bytes.Length, 16 * 1024, 16 * 1024 + 2 * frame.Bytes.Length);
        Assert.True(SpinWait.SpinUntil(() => subscriber.CutOff.IsCancellationRequested, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_stalled_subscriber_in_a_quiet_room_is_cut_off_by_the_heartbeat()
    {
        var subscriber = NewSubscriber();
        subscriber.TryEnqueue(Frame());
        TakeAndStartFlushing(subscriber);
        time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(subscriber.CutOffIfBehind());
        Assert.False(subscriber.CutOffIfBehind()); // counted once
    }

    [Fact]
    public void A_stalled_subscriber_of_a_room_that_ended_is_still_cut_off()
    {
        var subscriber = NewSubscriber();
        subscriber.TryEnqueue(Frame());
        subscriber.Complete(SseFrame.Destroyed);
        TakeAndStartFlushing(subscriber);
        time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(subscriber.CutOffIfBehind());
    }

    [Fact]
    public void A_stream_that_is_over_is_not_counted_as_fallen_behind()
    {
        var subscriber = NewSubscriber();
        subscriber.TryEnqueue(Frame());
        TakeAndStartFlushing(subscriber);
        subscriber.StreamEnded();
        time.Advance(TimeSpan.FromSeconds(11));

        Assert.False(subscriber.CutOffIfBehind());
        Assert.True(subscriber.TryEnqueue(Frame()));
        Assert.False(subscriber.CutOff.IsCancellationRequested);
    }
}
