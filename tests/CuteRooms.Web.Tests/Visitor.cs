using System.Text.RegularExpressions;

namespace CuteRooms.Web.Tests;

/// <summary>
/// One person with their own browser context (cookies, so their own token) and one tab, with the
/// few moves the tests need on the lobby and the room page.
/// </summary>
public sealed partial class Visitor : IAsyncDisposable
{
    private Visitor(IBrowserContext context, IPage page, bool javaScriptEnabled)
    {
        Context = context;
        Page = page;
        JavaScriptEnabled = javaScriptEnabled;
    }

    public bool JavaScriptEnabled { get; }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    /// <summary>Dialogs (alert, confirm) the page opened; an injected script would show up here.</summary>
    public List<string> Dialogs { get; } = [];

    /// <summary>Uncaught script errors and console errors, shown when a test fails on the page's behaviour.</summary>
    public List<string> ScriptErrors { get; } = [];

    /// <summary>Every Content-Security-Policy violation the pages of this visitor reported.</summary>
    public async Task<IReadOnlyList<string>> CspViolationsAsync() =>
        await Page.EvaluateAsync<string[]>("() => window.__cspViolations ?? []");

    public static async Task<Visitor> ArriveAsync(SystemFixture system, bool javaScript = true, ViewportSize? viewport = null)
    {
        var context = await system.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = system.WebEndpoint.ToString(),
            JavaScriptEnabled = javaScript,
            ViewportSize = viewport ?? BrowserSettings.Desktop,
            ColorScheme = ColorScheme.Dark,
        });
        // Injected by the browser itself, so it is not subject to the page's CSP; it records what the CSP refused.
        await context.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e =>
              window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        var page = await context.NewPageAsync();
        var visitor = new Visitor(context, page, javaScript);
        page.Dialog += async (_, dialog) =>
        {
            visitor.Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        page.PageError += (_, error) => visitor.ScriptErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") visitor.ScriptErrors.Add(message.Text);
        };
        return visitor;
    }

    // --- lobby ------------------------------------------------------------------------------------

    /// <summary>Creates a room through the lobby's form and returns its link (the visitor is then in it).</summary>
    /// <param name="privateRoom">End-to-end encrypted: the link then ends in the key's fragment.</param>
    public async Task<string> CreateRoomAsync(string name = "Tea & biscuits", bool privateRoom = false)
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("Name").FillAsync(name);
        if (privateRoom) await Page.GetByLabel("Private").CheckAsync();
        // The form's answer is checked on its own, so a failure says what the lobby answered.
        var answer = await Page.RunAndWaitForResponseAsync(
            () => Page.GetByRole(AriaRole.Button, new() { Name = "Create room" }).ClickAsync(),
            response => response.Request.Method == "POST");
        Assert.True(answer.Status is 302 or 303, $"The lobby answered {answer.Status} instead of a redirect to the room: {await VisibleTextAsync()}");
        try
        {
            // Polls the page's address: WaitForURL also waits for a navigation event, which can have
            // come and gone (the redirect's page committed) before it is called, and then waits in vain.
            await Expect(Page).ToHaveURLAsync(privateRoom ? PrivateRoomUrl() : RoomUrl());
        }
        catch (PlaywrightException exception)
        {
            throw new TimeoutException($"{exception.Message}\nThe page stayed at {Page.Url}, showing: {await VisibleTextAsync()}", exception);
        }
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        // A person shares the link once their room is open, and so do the tests.
        if (JavaScriptEnabled) await WaitUntilLiveAsync();
        return Page.Url;
    }

    /// <summary>The lobby's notice (why the visitor was sent back), a status region.</summary>
    public ILocator Notice => Page.Locator("[role=status][data-notice]");

    // --- room -------------------------------------------------------------------------------------

    public async Task OpenAsync(string link) => await Page.GotoAsync(link);

    public ILocator Messages => Page.Locator("#messages > li");

    public ILocator Message(string text) => Messages.Filter(new() { Has = Page.Locator("[data-text]", new() { HasTextString = text }) });

    public ILocator Online => Page.Locator("#online-count");

    /// <summary>The room's member list: one item per member, <c>data-online</c> on those connected now.</summary>
    public ILocator Members => Page.Locator("#member-list > li");

    public ILocator Member(string name) => Members.Filter(new() { Has = Page.Locator("[data-member-name]", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) });

    /// <summary>The names in the member list, in its order.</summary>
    public async Task<IReadOnlyList<string>> MemberNamesAsync() => await Page.Locator("#member-list [data-member-name]").AllTextContentsAsync();

    /// <summary>This visitor's own name in the room, as the composer shows it.</summary>
    public async Task<string> OwnNameAsync() => (await Page.Locator("#own-name").TextContentAsync())!.Trim();

    public async Task RenameAsync(string name)
    {
        await Page.GetByLabel("Your name").FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
    }

    public ILocator TypingIndicator => Page.Locator("#typing");

    public ILocator EncryptionNotice => Page.Locator("#encryption-notice");

    public ILocator Connection => Page.Locator("#connection");

    public async Task WaitUntilLiveAsync(float? timeoutMs = null)
    {
        try
        {
            await Expect(Connection).ToHaveAttributeAsync("data-state", "live", new() { Timeout = timeoutMs });
        }
        catch (PlaywrightException exception) when (ScriptErrors.Count > 0)
        {
            throw new PlaywrightException($"{exception.Message}\nScript errors:\n{string.Join("\n", ScriptErrors)}", exception);
        }
    }

    /// <summary>Types into the composer and presses Enter, as a person would.</summary>
    public async Task SendAsync(string text)
    {
        var composer = Page.GetByRole(AriaRole.Textbox, new() { Name = "Message" });
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
    }

    /// <summary>The start of what the page shows, for a failure message; empty when it cannot be read.</summary>
    private async Task<string> VisibleTextAsync()
    {
        try
        {
            var text = await Page.InnerTextAsync("body", new() { Timeout = 2_000 });
            return text.Length > 500 ? text[..500] : text;
        }
        catch (PlaywrightException)
        {
            return "";
        }
        catch (TimeoutException)
        {
            return "";
        }
    }

    public static Regex RoomUrl() => RoomUrlPattern();

    public static Regex PrivateRoomUrl() => PrivateRoomUrlPattern();

    [GeneratedRegex(@"/room/[A-Za-z0-9_-]{21}$")]
    private static partial Regex RoomUrlPattern();

    [GeneratedRegex(@"/room/[A-Za-z0-9_-]{21}#k=[A-Za-z0-9_-]{43}$")]
    private static partial Regex PrivateRoomUrlPattern();

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
