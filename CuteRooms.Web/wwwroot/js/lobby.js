// The lobby's one script: a private room's key. It is made here, in the browser, and travels only in
// the link's fragment (#k=…), which browsers never send to a server. The form's action carries the
// fragment; the browser keeps it across the redirect to the new room (a Location without a fragment
// inherits the request's), so the room opens with its key.

import { newRoomKey } from "./room-crypto.js";

const form = document.getElementById("create-room");
const encrypted = document.getElementById("room-encrypted");
if (form && encrypted) {
  encrypted.disabled = false;
  form.addEventListener("submit", () => {
    const url = new URL(form.getAttribute("action") || location.href, location.href);
    url.hash = encrypted.checked ? `k=${newRoomKey()}` : "";
    form.action = url.href;
  });
}
