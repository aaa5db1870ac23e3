using CuteRooms.Web.ApiClient;
using CuteRooms.Web.Components;
using CuteRooms.Web.Edge;
using CuteRooms.Web.Gatekeeper;
using CuteRooms.Web.Gateway;
using CuteRooms.Web.Rooms;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddEdge();                 // trusted proxies, the public origin, security headers, problem details
builder.AddSharedDataProtection(); // antiforgery keys in Redis: a form one Web replica rendered posts to any
builder.AddCuteRoomsApiClient();   // typed client of the Api at http://api (service discovery)
builder.AddGatekeeper();           // admits a browser to a room before its page renders
builder.AddGateway();              // same-origin proxy: /api/** → Api, /realtime/** → Realtime
builder.Services.AddRazorComponents(); // static server rendering only: pages work without JavaScript

// Run from build output in any environment (the AppHost, tests) the static assets and their
// compressed copies live in the build's manifest; published output has none and this does nothing.
builder.WebHost.UseStaticWebAssets();

var app = builder.Build();

app.UseEdge();
app.UseGatekeeper();
app.UseAntiforgery();
app.UseFormGuard();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapGateway();
app.MapRoomForms();
app.MapRazorComponents<App>();

app.Run();
