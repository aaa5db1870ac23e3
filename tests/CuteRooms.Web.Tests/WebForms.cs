using System.Net;
using System.Text.RegularExpressions;

namespace CuteRooms.Web.Tests;

/// <summary>A page's form as a browser without JavaScript would post it: its hidden fields and the page's cookies.</summary>
public static partial class WebForms
{
    public static HttpRequestMessage Post(string path, Dictionary<string, string> fields, string cookies)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Cookie", cookies);
        return request;
    }

    /// <summary>Every cookie the page set (the gatekeeper's token, the antiforgery cookie), as a Cookie header.</summary>
    public static string CookiesOf(HttpResponseMessage page) =>
        string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(cookie => cookie[..cookie.IndexOf(';')]));

    /// <summary>The hidden fields of the page's form (its antiforgery token and idempotency key).</summary>
    public static Dictionary<string, string> HiddenFields(string html, string? formId)
    {
        var scope = formId is null ? html : html[html.IndexOf($"id=\"{formId}\"", StringComparison.Ordinal)..];
        scope = scope[..(scope.IndexOf("</form>", StringComparison.Ordinal) + 7)];
        return HiddenInput().Matches(scope).ToDictionary(
            input => WebUtility.HtmlDecode(Attribute().Matches(input.Value).Single(a => a.Groups["name"].Value == "name").Groups["value"].Value),
            input => WebUtility.HtmlDecode(Attribute().Matches(input.Value).Single(a => a.Groups["name"].Value == "value").Groups["value"].Value));
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*>""")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("\\s(?<name>[a-z]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex Attribute();
}
