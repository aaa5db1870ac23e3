namespace CuteRooms.Api.Rooms;

/// <summary>
/// The Lua scripts that change a room. Each runs atomically on the room's slot with the keys of
/// <see cref="CuteRooms.Contracts.RoomKeys.All"/> (1 meta, 2 members, 3 online, 4 names, 5 messages),
/// and every write resets the expiry of all of them together: no read-then-write races.
/// </summary>
internal static class RoomScripts
{
    private const string Touch = """
        local function touch(ttl)
          for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ttl) end
        end
        """;

    // ARGV: name, createdAt (unix ms), ttl seconds, maxMembers (0 = unlimited), encrypted (0/1)
    public const string Create = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'name', ARGV[1], 'createdAt', ARGV[2], 'ttl', ARGV[3], 'maxMembers', ARGV[4], 'encrypted', ARGV[5])
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    // ARGV: online cutoff (unix ms). Returns nil for a missing room.
    public const string Read = """
        local meta = redis.call('HMGET', KEYS[1], 'name', 'ttl', 'maxMembers', 'encrypted')
        if not meta[1] then return false end
        return { meta[1], meta[2], meta[3], redis.call('PTTL', KEYS[1]),
                 redis.call('SCARD', KEYS[2]), redis.call('ZCOUNT', KEYS[3], ARGV[1], '+inf'), meta[4] or '0' }
        """;

    // ARGV: token, display name for a newcomer, online cutoff (unix ms).
    // A member already admitted always gets back in, even into a full room.
    public const string Admit = Touch + """

        local meta = redis.call('HMGET', KEYS[1], 'name', 'ttl', 'maxMembers', 'encrypted')
        if not meta[1] then return { 'missing' } end
        local joined = 0
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
          local max = tonumber(meta[3])
          if max > 0 and redis.call('SCARD', KEYS[2]) >= max then return { 'full' } end
          redis.call('SADD', KEYS[2], ARGV[1])
          joined = 1
        end
        redis.call('HSETNX', KEYS[4], ARGV[1], ARGV[2])
        touch(tonumber(meta[2]))
        return { 'ok', redis.call('HGET', KEYS[4], ARGV[1]), joined,
                 meta[1], meta[2], meta[3], redis.call('PTTL', KEYS[1]),
                 redis.call('SCARD', KEYS[2]), redis.call('ZCOUNT', KEYS[3], ARGV[3], '+inf'), meta[4] or '0' }
        """;

    // KEYS: the five room keys, then the tombstone. ARGV: token.
    // The tombstone lets Realtime say "destroyed" rather than "expired" even if it notices first.
    public const string Destroy = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return 'forbidden' end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
        redis.call('SET', KEYS[6], '1', 'EX', 60)
        return 'ok'
        """;

    // KEYS: the five room keys, then the post's idempotency key (or none). ARGV: token, text, sentAt
    // (unix ms), stream max length, author id, seconds to remember the idempotency key, digest of the text,
    // whether the text is an encrypted envelope (1/0): an encrypted room refuses anything else ('plaintext').
    // Returns the new id and the id of the message before it, read in the same atomic step; a repeat
    // of an idempotency key returns the message stored the first time, or 'reused' for other text.
    public const string PostMessage = Touch + """

        local room = redis.call('HMGET', KEYS[1], 'ttl', 'encrypted')
        local ttl = room[1]
        if not ttl then return { 'missing' } end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return { 'forbidden' } end
        if room[2] == '1' and ARGV[8] ~= '1' then return { 'plaintext' } end
        if KEYS[6] then
          local claim = redis.call('GET', KEYS[6])
          if claim then
            local stored, digest = string.match(claim, '^(%S+) (%S+)$')
            if digest ~= ARGV[7] then return { 'reused' } end
            local entry = redis.call('XRANGE', KEYS[5], stored, stored)
            return { 'replayed', stored, entry[1] and entry[1][2] or {} }
          end
        end
        local author = redis.call('HGET', KEYS[4], ARGV[1]) or 'anonymous'
        local last = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', 1)
        local previous = ''
        if last[1] then previous = last[1][1] end
        local id = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*',
          'author', author, 'authorId', ARGV[5], 'text', ARGV[2], 'sentAt', ARGV[3])
        touch(tonumber(ttl))
        if KEYS[6] then redis.call('SET', KEYS[6], id .. ' ' .. ARGV[7], 'EX', math.min(tonumber(ttl), tonumber(ARGV[6]))) end
        return { 'ok', id, previous, author }
        """;

    // ARGV: token, after ('' = the latest page), count. Oldest first either way.
    public const string History = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return { 'forbidden' } end
        if ARGV[2] == '' then
          local latest = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', ARGV[3])
          local oldestFirst = {}
          for i = #latest, 1, -1 do oldestFirst[#oldestFirst + 1] = latest[i] end
          return { 'ok', oldestFirst }
        end
        return { 'ok', redis.call('XRANGE', KEYS[5], '(' .. ARGV[2], '+', 'COUNT', ARGV[3]) }
        """;

    // ARGV: token, scan cursor ('0' = first page), count hint, online cutoff (unix ms).
    // Returns the next cursor ('0' after the last page) and token, name, online (0/1) per member.
    public const string Members = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return { 'forbidden' } end
        local page = redis.call('HSCAN', KEYS[4], ARGV[2], 'COUNT', ARGV[3])
        local members = {}
        local entries = page[2]
        for i = 1, #entries, 2 do
          local seen = redis.call('ZSCORE', KEYS[3], entries[i])
          members[#members + 1] = entries[i]
          members[#members + 1] = entries[i + 1]
          members[#members + 1] = (seen and tonumber(seen) >= tonumber(ARGV[4])) and 1 or 0
        end
        return { 'ok', page[1], members }
        """;

    // ARGV: token, the new name, online cutoff (unix ms). Names are unique in a room ignoring ASCII case;
    // the check reads every name, which only a rename does. Returns whether the member is online.
    public const string Rename = Touch + """

        local ttl = redis.call('HGET', KEYS[1], 'ttl')
        if not ttl then return { 'missing' } end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return { 'forbidden' } end
        local wanted = string.lower(ARGV[2])
        local names = redis.call('HGETALL', KEYS[4])
        for i = 1, #names, 2 do
          if names[i] ~= ARGV[1] and string.lower(names[i + 1]) == wanted then return { 'taken' } end
        end
        redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
        touch(tonumber(ttl))
        local seen = redis.call('ZSCORE', KEYS[3], ARGV[1])
        return { 'ok', (seen and tonumber(seen) >= tonumber(ARGV[3])) and 1 or 0 }
        """;

    // KEYS: meta, members, names, the member's typing key. ARGV: token, coalescing window (ms).
    // Returns the member's name when this announcement goes out, 'coalesced' when one just did.
    public const string Typing = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return { 'forbidden' } end
        if not redis.call('SET', KEYS[4], '1', 'PX', ARGV[2], 'NX') then return { 'coalesced' } end
        return { 'ok', redis.call('HGET', KEYS[3], ARGV[1]) or 'anonymous' }
        """;
}
