using CuteRooms.Web.ApiClient;
using CuteRooms.Web.Components;
using CuteRooms.Web.Gatekeeper;
using CuteRooms.Web.Gateway;
using CuteRooms.Web.Rooms;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCuteRoomsApiClient();   // typed client of the Api at http://api (service discovery)
builder.AddGatekeeper();           // admits a browser to a room before its page renders
builder.AddGateway();              // same-origin proxy: /api/** → Api, /realtime/** → Realtime
builder.Services.AddRazorComponents(); // static server rendering only: pages work without JavaScript

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseGatekeeper();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapGateway();
app.MapRoomForms();
app.MapRazorComponents<App>();

app.Run();
