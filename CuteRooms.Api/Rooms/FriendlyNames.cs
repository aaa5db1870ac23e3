using System.Security.Cryptography;
using CuteRooms.Contracts;

namespace CuteRooms.Api.Rooms;

/// <summary>Generated names for rooms without one and for members (<c>anonymous-otter-x3k9q</c>).</summary>
public static class FriendlyNames
{
    private static readonly string[] Adjectives =
        ["cosy", "sunny", "quiet", "brave", "gentle", "lucky", "clever", "merry", "bright", "calm", "fuzzy", "snug"];

    private static readonly string[] Animals =
        ["otter", "panda", "fox", "koala", "owl", "puffin", "hedgehog", "lynx", "seal", "wombat", "heron", "badger"];

    private const string SuffixAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static string ForRoom() => $"{Pick(Adjectives)} {Pick(Animals)} room";

    public static string ForMember() =>
        $"anonymous-{Pick(Animals)}-{RandomNumberGenerator.GetString(SuffixAlphabet, 5)}";

    private static string Pick(string[] words) => words[RandomNumberGenerator.GetInt32(words.Length)];
}
