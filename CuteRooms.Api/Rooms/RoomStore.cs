using CuteRooms.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CuteRooms.Api.Rooms;

public enum RoomOutcome { Ok, Missing, Forbidden, Full, Replayed, KeyReused, Plaintext, NameTaken, Coalesced }

public sealed record Admission(RoomOutcome Outcome, string? DisplayName = null, bool Joined = false, RoomResponse? Room = null);

/// <summary>A post's result; <see cref="RoomOutcome.Replayed"/>: its idempotency key had stored <see cref="Message"/> before.</summary>
public sealed record StoredMessage(RoomOutcome Outcome, MessageResponse? Message = null, string? PreviousId = null);

public sealed record History(RoomOutcome Outcome, IReadOnlyList<MessageResponse> Messages);

public sealed record Members(RoomOutcome Outcome, MembersPage? Page = null);

public sealed record Renamed(RoomOutcome Outcome, MemberResponse? Member = null);

public sealed record Typing(RoomOutcome Outcome, MemberTypingNotice? Notice = null);

/// <summary>Every read and write of a room's Redis keys: one script call each, one round trip.</summary>
public sealed class RoomStore(IConnectionMultiplexer redis, IOptions<RoomOptions> options, TimeProvider time)
{
    private IDatabase Db => redis.GetDatabase();
    private RoomOptions Options => options.Value;

    /// <param name="idempotencyScope">The client's address and its idempotency key, when it sent one: a repeat gets the same room.</param>
    public async Task<RoomResponse> CreateAsync(string name, int ttlSeconds, int? maxMembers, bool encrypted = false, (string Address, string Key)? idempotencyScope = null)
    {
        var id = RoomIds.NewId();
        if (idempotencyScope is var (address, key))
        {
            // The first request with the key claims it with the id it is about to create, and every
            // request with the key creates that id, which the script does once: whichever gets there
            // first makes the room (a repeat may overtake the claimer) and the others answer with it.
            // (Not one script: the claim and the room live in different slots.)
            var claim = $"idempotency:room:{IdempotencyKeys.Digest(address, key)}";
            if (!await Db.StringSetAsync(claim, id, IdempotencyKeys.Window, When.NotExists)
                && (string?)await Db.StringGetAsync(claim) is { } claimed)
            {
                id = claimed;
            }
            if (!await TryCreateAsync(id, name, ttlSeconds, maxMembers, encrypted) && await GetAsync(id) is { } existing) return existing;
            return new RoomResponse(id, name, ttlSeconds, time.GetUtcNow().AddSeconds(ttlSeconds), 0, 0, maxMembers, encrypted);
        }

        // 126 random bits make a collision practically impossible; the script still refuses to overwrite.
        while (!await TryCreateAsync(id, name, ttlSeconds, maxMembers, encrypted)) id = RoomIds.NewId();
        // A new room is fully known from what was written: nobody has joined yet.
        return new RoomResponse(id, name, ttlSeconds, time.GetUtcNow().AddSeconds(ttlSeconds), 0, 0, maxMembers, encrypted);
    }

    private async Task<bool> TryCreateAsync(string id, string name, int ttlSeconds, int? maxMembers, bool encrypted) =>
        (long)await Db.ScriptEvaluateAsync(RoomScripts.Create, Keys(id),
            [name, time.GetUtcNow().ToUnixTimeMilliseconds(), ttlSeconds, maxMembers ?? 0, encrypted ? 1 : 0]) == 1;

    public async Task<bool> IsMemberAsync(string roomId, string token) =>
        await Db.SetContainsAsync(new RoomKeys(roomId).Members, token);

    public async Task<RoomResponse?> GetAsync(string roomId)
    {
        var result = await Db.ScriptEvaluateAsync(RoomScripts.Read, Keys(roomId), [OnlineCutoff()]);
        if (result.IsNull) return null;
        var values = (RedisResult[])result!;
        return ToRoom(roomId, values, 0);
    }

    public async Task<Admission> AdmitAsync(string roomId, string token)
    {
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(RoomScripts.Admit, Keys(roomId),
            [token, FriendlyNames.ForMember(), OnlineCutoff()]))!;
        var outcome = Outcome(values[0]);
        if (outcome != RoomOutcome.Ok) return new Admission(outcome);
        return new Admission(outcome, (string)values[1]!, (long)values[2] == 1, ToRoom(roomId, values, 3));
    }

    public async Task<RoomOutcome> DestroyAsync(string roomId, string token) =>
        Outcome(await Db.ScriptEvaluateAsync(RoomScripts.Destroy, [.. Keys(roomId), new RoomKeys(roomId).Destroyed], [token]));

    public async Task<StoredMessage> AppendMessageAsync(string roomId, string token, string text, string? idempotencyKey = null)
    {
        var sentAt = time.GetUtcNow();
        var authorId = AuthorIds.For(roomId, token);
        var roomKeys = Keys(roomId);
        RedisKey[] scriptKeys = idempotencyKey is null ? roomKeys : [.. roomKeys, new RoomKeys(roomId).Sent(token, idempotencyKey)];
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(RoomScripts.PostMessage, scriptKeys,
            [token, text, sentAt.ToUnixTimeMilliseconds(), Options.MessageHistoryLength, authorId, (long)IdempotencyKeys.Window.TotalSeconds,
             IdempotencyKeys.Digest(token, text), EncryptedText.IsEnvelope(text) ? 1 : 0]))!;
        var outcome = Outcome(values[0]);
        if (outcome == RoomOutcome.Replayed)
        {
            var fields = (RedisResult[])values[2]!;
            var stored = MessageFields.ToMessage((string)values[1]!, name => FieldValue(fields, name));
            return new StoredMessage(outcome, stored with { Text = FieldValue(fields, MessageFields.Text) ?? text });
        }
        if (outcome != RoomOutcome.Ok) return new StoredMessage(outcome);

        var previous = (string?)values[2];
        var message = new MessageResponse((string)values[1]!, (string)values[3]!, authorId, text,
            DateTimeOffset.FromUnixTimeMilliseconds(sentAt.ToUnixTimeMilliseconds()));
        return new StoredMessage(outcome, message, string.IsNullOrEmpty(previous) ? null : previous);
    }

    public async Task<History> ReadHistoryAsync(string roomId, string token, string? after, int limit)
    {
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(RoomScripts.History, Keys(roomId),
            [token, after ?? "", limit]))!;
        var outcome = Outcome(values[0]);
        if (outcome != RoomOutcome.Ok) return new History(outcome, []);

        var entries = (RedisResult[])values[1]!;
        var messages = new List<MessageResponse>(entries.Length);
        foreach (var result in entries)
        {
            var entry = (RedisResult[])result!;
            var fields = (RedisResult[])entry[1]!;
            messages.Add(MessageFields.ToMessage((string)entry[0]!, name => FieldValue(fields, name)));
        }
        return new History(outcome, messages);
    }

    public async Task<Members> ReadMembersAsync(string roomId, string token, string? cursor, int limit)
    {
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(RoomScripts.Members, Keys(roomId),
            [token, cursor ?? "0", limit, OnlineCutoff()]))!;
        var outcome = Outcome(values[0]);
        if (outcome != RoomOutcome.Ok) return new Members(outcome);

        var next = (string)values[1]!;
        var entries = (RedisResult[])values[2]!;
        var members = new List<MemberResponse>(entries.Length / 3);
        for (var i = 0; i + 2 < entries.Length; i += 3)
        {
            members.Add(new MemberResponse(AuthorIds.For(roomId, (string)entries[i]!), (string)entries[i + 1]!, (long)entries[i + 2] == 1));
        }
        return new Members(outcome, new MembersPage(members, next == "0" ? null : next));
    }

    public async Task<Renamed> RenameAsync(string roomId, string token, string name)
    {
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(RoomScripts.Rename, Keys(roomId), [token, name, OnlineCutoff()]))!;
        var outcome = Outcome(values[0]);
        return outcome == RoomOutcome.Ok
            ? new Renamed(outcome, new MemberResponse(AuthorIds.For(roomId, token), name, (long)values[1] == 1))
            : new Renamed(outcome);
    }

    /// <summary>Announces that the member is typing, unless an announcement went out within <paramref name="window"/>.</summary>
    public async Task<Typing> TypingAsync(string roomId, string token, TimeSpan window)
    {
        var keys = new RoomKeys(roomId);
        var authorId = AuthorIds.For(roomId, token);
        var values = (RedisResult[])(await Db.ScriptEvaluateAsync(RoomScripts.Typing,
            [keys.Meta, keys.Members, keys.Names, keys.Typing(authorId)], [token, (long)window.TotalMilliseconds]))!;
        var outcome = Outcome(values[0]);
        return outcome == RoomOutcome.Ok ? new Typing(outcome, new MemberTypingNotice(authorId, (string)values[1]!)) : new Typing(outcome);
    }

    private static string? FieldValue(RedisResult[] fields, string name)
    {
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            if ((string?)fields[i] == name) return (string?)fields[i + 1];
        }
        return null;
    }

    // values[offset..]: name, ttl, maxMembers, pttl, members, online, encrypted
    private RoomResponse ToRoom(string roomId, RedisResult[] values, int offset)
    {
        var maxMembers = (int)values[offset + 2];
        var pttl = Math.Max(0, (long)values[offset + 3]);
        return new RoomResponse(
            roomId,
            (string)values[offset]!,
            (int)values[offset + 1],
            time.GetUtcNow().AddMilliseconds(pttl),
            (long)values[offset + 4],
            (long)values[offset + 5],
            maxMembers > 0 ? maxMembers : null,
            (string?)values[offset + 6] == "1");
    }

    private static RoomOutcome Outcome(RedisResult status) => (string?)status switch
    {
        "ok" => RoomOutcome.Ok,
        "missing" => RoomOutcome.Missing,
        "forbidden" => RoomOutcome.Forbidden,
        "full" => RoomOutcome.Full,
        "replayed" => RoomOutcome.Replayed,
        "reused" => RoomOutcome.KeyReused,
        "plaintext" => RoomOutcome.Plaintext,
        "taken" => RoomOutcome.NameTaken,
        "coalesced" => RoomOutcome.Coalesced,
        var other => throw new InvalidOperationException($"Unexpected script status '{other}'."),
    };

    private long OnlineCutoff() =>
        time.GetUtcNow().AddSeconds(-Options.OnlineStaleAfterSeconds).ToUnixTimeMilliseconds();

    private static RedisKey[] Keys(string roomId) => Array.ConvertAll(new RoomKeys(roomId).All, key => (RedisKey)key);
}
