using CuteRooms.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CuteRooms.Realtime.Presence;

public enum ConnectOutcome { Ok, Missing, Forbidden }

/// <summary>
/// The result of opening a stream: whether the token just came online, the counts to show first,
/// and the room's newest message id at that moment (0-0 when none), where a stream without
/// <c>Last-Event-ID</c> starts.
/// </summary>
public sealed record Connection(ConnectOutcome Outcome, bool CameOnline = false, PresenceSnapshot? Presence = null, string Tail = "0-0", string? Name = null);

/// <summary>
/// What Realtime reads and writes in Redis: membership at connect, the <c>online</c> set, and
/// message ranges for replay and gap filling. The Api stays the only writer of room content;
/// <c>online</c> is ours, and it shares the room's expiry without extending it.
/// </summary>
public sealed class RoomReader(IConnectionMultiplexer redis, IOptions<RealtimeOptions> options, TimeProvider time)
{
    // KEYS: meta, members, online, messages, names. ARGV: token, now (ms), online cutoff (ms).
    private const string ConnectScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return { 'forbidden' } end
        local seen = redis.call('ZSCORE', KEYS[3], ARGV[1])
        local wasOnline = seen and tonumber(seen) >= tonumber(ARGV[3])
        redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
        local pttl = redis.call('PTTL', KEYS[1])
        if pttl > 0 then redis.call('PEXPIRE', KEYS[3], pttl) end
        local newest = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
        return { 'ok', wasOnline and 0 or 1, redis.call('ZCOUNT', KEYS[3], ARGV[3], '+inf'), redis.call('SCARD', KEYS[2]), pttl,
            newest[1] and newest[1][1] or '0-0', redis.call('HGET', KEYS[5], ARGV[1]) or 'anonymous' }
        """;

    // KEYS: meta, members, online, messages, destroyed. ARGV: now (ms), online cutoff (ms), tokens of live local streams...
    // Returns { 'gone', destroyed 0/1 } for a room that is gone, else { swept tokens, newest message id,
    // added tokens } (added: live tokens that were missing, e.g. taken out when the same member's stream
    // on another replica closed).
    private const string HeartbeatScript = """
        local pttl = redis.call('PTTL', KEYS[1])
        if pttl == -2 then return { 'gone', redis.call('EXISTS', KEYS[5]) } end
        local added = {}
        for i = 3, #ARGV do
          if redis.call('ZADD', KEYS[3], ARGV[1], ARGV[i]) == 1 then added[#added + 1] = ARGV[i] end
        end
        local swept = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2])
        if #swept > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2]) end
        if pttl > 0 then redis.call('PEXPIRE', KEYS[3], pttl) end
        local newest = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
        return { swept, newest[1] and newest[1][1] or '', added }
        """;

    // KEYS: meta, members, online. ARGV: online cutoff (ms).
    private const string PresenceScript = """
        local pttl = redis.call('PTTL', KEYS[1])
        if pttl == -2 then return false end
        return { redis.call('ZCOUNT', KEYS[3], ARGV[1], '+inf'), redis.call('SCARD', KEYS[2]), pttl }
        """;

    private IDatabase Db => redis.GetDatabase();

    public async Task<Connection> ConnectAsync(string roomId, string token)
    {
        var now = time.GetUtcNow();
        var keys = new RoomKeys(roomId);
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(ConnectScript, [keys.Meta, keys.Members, keys.Online, keys.Messages, keys.Names],
            [token, now.ToUnixTimeMilliseconds(), OnlineCutoff(now)]))!;
        return (string?)values[0] switch
        {
            "missing" => new Connection(ConnectOutcome.Missing),
            "forbidden" => new Connection(ConnectOutcome.Forbidden),
            _ => new Connection(ConnectOutcome.Ok, (long)values[1] == 1,
                new PresenceSnapshot((long)values[2], (long)values[3], ExpiresAt(now, (long)values[4])), (string)values[5]!, (string)values[6]!),
        };
    }

    /// <summary>The token's last local stream closed; true when it was online until now.</summary>
    public Task<bool> DisconnectAsync(string roomId, string token) =>
        Db.SortedSetRemoveAsync(new RoomKeys(roomId).Online, token);

    // KEYS: online. ARGV: the beat's time (ms), tokens... Removes a token only while the beat's own
    // refresh is its newest: a stream that connected since (here or on another replica) wrote a later one.
    private const string RevokeScript = """
        local removed = {}
        for i = 2, #ARGV do
            if redis.call('ZSCORE', KEYS[1], ARGV[i]) == ARGV[1] and redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then removed[#removed + 1] = ARGV[i] end
        end
        return removed
        """;

    /// <summary>
    /// Takes out tokens a heartbeat at <paramref name="beatAt"/> refreshed although their streams here
    /// closed meanwhile; returns those taken out.
    /// </summary>
    public async Task<string[]> RevokeAsync(string roomId, string[] tokens, long beatAt)
    {
        var args = new RedisValue[tokens.Length + 1];
        args[0] = beatAt;
        for (var i = 0; i < tokens.Length; i++) args[i + 1] = tokens[i];
        return (string[])(await Db.ScriptEvaluateAsync(RevokeScript, [new RoomKeys(roomId).Online], args))!;
    }

    /// <summary>
    /// What a heartbeat found: the room gone (and whether a member destroyed it), or how many stale
    /// entries it swept, how many live tokens it had to put back, and the newest message.
    /// </summary>
    public sealed record Heartbeat(bool Gone, bool Destroyed, string[] Swept, string? NewestMessageId, string[] Restored, long At = 0);

    /// <summary>Refreshes the live tokens and sweeps stale ones, or tells how the room ended.</summary>
    public async Task<Heartbeat> HeartbeatAsync(string roomId, IReadOnlyCollection<string> liveTokens)
    {
        var now = time.GetUtcNow();
        var args = new RedisValue[liveTokens.Count + 2];
        args[0] = now.ToUnixTimeMilliseconds();
        args[1] = OnlineCutoff(now);
        var i = 2;
        foreach (var token in liveTokens) args[i++] = token;
        var keys = new RoomKeys(roomId);
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(HeartbeatScript,
            [keys.Meta, keys.Members, keys.Online, keys.Messages, keys.Destroyed], args))!;
        if (values[0].Resp2Type == ResultType.BulkString && (string?)values[0] == "gone")
            return new Heartbeat(Gone: true, Destroyed: (long)values[1] == 1, [], null, []);
        var newest = (string?)values[1];
        return new Heartbeat(Gone: false, Destroyed: false, (string[])values[0]!, string.IsNullOrEmpty(newest) ? null : newest, (string[])values[2]!, (long)args[0]);
    }

    public async Task<PresenceSnapshot?> ReadPresenceAsync(string roomId)
    {
        var now = time.GetUtcNow();
        var result = await Db.ScriptEvaluateAsync(PresenceScript, PresenceKeys(roomId), [OnlineCutoff(now)]);
        if (result.IsNull) return null;
        var values = (RedisResult[])result!;
        return new PresenceSnapshot((long)values[0], (long)values[1], ExpiresAt(now, (long)values[2]));
    }

    /// <summary>Messages after <paramref name="afterId"/> (exclusive) up to <paramref name="untilId"/> (inclusive; null = newest), oldest first.</summary>
    public async Task<IReadOnlyList<MessageResponse>> ReadAfterAsync(string roomId, string afterId, string? untilId, int count)
    {
        var entries = await Db.StreamRangeAsync(new RoomKeys(roomId).Messages, "(" + afterId, untilId ?? "+", count);
        return Array.ConvertAll(entries, entry => MessageFields.ToMessage(entry.Id!, field => entry[field]));
    }

    /// <summary>The id of the room's newest message, or 0-0 for an empty room.</summary>
    public async Task<Streams.StreamPosition> ReadTailAsync(string roomId)
    {
        var newest = await Db.StreamRangeAsync(new RoomKeys(roomId).Messages, "-", "+", 1, Order.Descending);
        return newest.Length == 0 ? default : Streams.StreamPosition.Parse(newest[0].Id);
    }

    private long OnlineCutoff(DateTimeOffset now) => (now - options.Value.OnlineStaleAfter).ToUnixTimeMilliseconds();

    private static DateTimeOffset? ExpiresAt(DateTimeOffset now, long pttl) => pttl > 0 ? now.AddMilliseconds(pttl) : null;

    private static RedisKey[] PresenceKeys(string roomId)
    {
        var keys = new RoomKeys(roomId);
        return [keys.Meta, keys.Members, keys.Online];
    }
}
