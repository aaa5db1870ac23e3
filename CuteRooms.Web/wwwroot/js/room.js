// The live parts of the room page: the SSE stream, posting without reload, the countdown, the
// counts, the member list, renaming, typing indicators, a private room's encryption and the destroy
// confirmation. The page is complete without this module (but for private rooms); it only adds.
// Message text and names are only ever set with textContent, never parsed as HTML.

import { roomKeyFromFragment, encrypt, decrypt } from "./room-crypto.js";

const root = document.getElementById("room");
if (root) start(root, root.dataset.encrypted === "true" ? await roomKeyFromFragment(location.hash) : null);

function start(root, roomKey) {
  const roomId = root.dataset.roomId;
  const authorId = root.dataset.authorId;
  const ttlSeconds = Number(root.dataset.ttlSeconds);
  const api = `/api/rooms/${encodeURIComponent(roomId)}`;

  const el = {
    connection: document.getElementById("connection"),
    online: document.getElementById("online-count"),
    members: document.getElementById("members-count"),
    countdown: document.getElementById("countdown"),
    scroller: document.getElementById("scroller"),
    list: document.getElementById("messages"),
    empty: document.getElementById("empty"),
    template: document.getElementById("message-template"),
    composer: document.getElementById("composer"),
    text: document.getElementById("message-text"),
    counter: document.getElementById("message-counter"),
    problem: document.getElementById("composer-problem"),
    copy: document.getElementById("copy-link"),
    copyStatus: document.getElementById("copy-status"),
    destroyForm: document.getElementById("destroy-form"),
    destroyDialog: document.getElementById("destroy-dialog"),
    composerControls: document.getElementById("composer-controls"),
    encryption: document.getElementById("encryption-notice"),
    memberList: document.getElementById("member-list"),
    memberTemplate: document.getElementById("member-template"),
    renameForm: document.getElementById("rename-form"),
    renameInput: document.getElementById("rename-input"),
    renameProblem: document.getElementById("rename-problem"),
    ownName: document.getElementById("own-name"),
    typing: document.getElementById("typing"),
  };

  for (const hidden of root.querySelectorAll("[data-js-only]")) hidden.hidden = false;

  // --- a private room's key -------------------------------------------------------------------

  const encrypted = root.dataset.encrypted === "true";
  const readable = !encrypted || roomKey !== null;
  if (encrypted) {
    if (readable) {
      el.composerControls.disabled = false;
      el.encryption.textContent = "End-to-end encrypted: only people with the full link can read this room.";
    } else {
      // Opened without the fragment (or with a broken one): nothing here can be read, nor sent.
      el.encryption.dataset.state = "unreadable";
      el.encryption.setAttribute("role", "alert");
      el.encryption.textContent = "This room is end-to-end encrypted and cannot be read without its full link (the part after #). Ask whoever shared it for the whole link.";
    }
  }

  /** Shows a message's text: a private room's is decrypted first (or stays a placeholder). */
  async function showText(node, text, sender) {
    if (!encrypted) { node.textContent = text; return; }
    node.dataset.ciphertext = text;
    const plain = roomKey ? await decrypt(roomKey, text, roomId, sender) : null;
    if (plain === null) {
      node.textContent = roomKey ? "(this message could not be opened: it was not sealed by its author in this room)" : "(encrypted message)";
      node.dataset.encrypted = "";
    } else {
      node.textContent = plain;
      delete node.dataset.encrypted;
    }
  }
  if (encrypted) {
    el.list.querySelectorAll("[data-ciphertext]").forEach((node) => showText(node, node.dataset.ciphertext, node.closest("li").dataset.authorId));
  }
  document.getElementById("rename-controls").disabled = false; // sent from here, so a private room's key stays in the address

  // --- messages -------------------------------------------------------------------------------

  const seen = new Set([...el.list.children].map((item) => item.dataset.id));
  // Resume from the last server-rendered message; an empty room resumes from the start ("0-0"), so a
  // message posted between rendering and connecting is not missed.
  let lastEventId = root.dataset.lastEventId || "0-0";

  // Stream ids ("ms-seq") in the room's order.
  const compareIds = (a, b) => {
    const [am, as] = a.split("-").map(Number);
    const [bm, bs] = b.split("-").map(Number);
    return am - bm || as - bs;
  };

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  const localizeTime = (time) => {
    const at = new Date(time.dateTime);
    if (!Number.isNaN(at.getTime())) {
      time.textContent = timeFormat.format(at);
      time.title = at.toLocaleString();
    }
  };
  el.list.querySelectorAll("time[data-sent-at]").forEach(localizeTime);

  const nearBottom = () => el.scroller.scrollHeight - el.scroller.scrollTop - el.scroller.clientHeight < 80;
  const scrollToBottom = () => { el.scroller.scrollTop = el.scroller.scrollHeight; };
  scrollToBottom();

  function addMessage(message) {
    if (!message || !message.id || seen.has(message.id)) return; // our POST and the stream both bring it
    seen.add(message.id);

    const item = el.template.content.firstElementChild.cloneNode(true);
    item.dataset.id = message.id;
    if (message.authorId === authorId) item.dataset.own = "";
    item.querySelector("[data-author]").textContent = message.author;
    item.dataset.authorId = message.authorId;
    showText(item.querySelector("[data-text]"), message.text, message.authorId);
    typingStopped(message.authorId);
    const time = item.querySelector("time[data-sent-at]");
    time.dateTime = message.sentAt;
    localizeTime(time);

    const stick = nearBottom() || message.authorId === authorId;
    // Usually last; a POST answer can arrive after later messages from the stream.
    const after = [...el.list.children].find((other) => compareIds(other.dataset.id, message.id) > 0);
    el.list.insertBefore(item, after ?? null);
    el.empty.hidden = true;
    if (stick) scrollToBottom();

    // Activity resets the room's expiry.
    setExpiry(new Date(new Date(message.sentAt).getTime() + ttlSeconds * 1000));
  }

  // --- countdown ------------------------------------------------------------------------------

  // Every key of the room expires ttl seconds after the last activity: a message moves the end
  // to sentAt + ttl; presence events carry the server's own expiresAt.
  let expiresAt = new Date(root.dataset.expiresAt);
  function setExpiry(at) {
    if (Number.isNaN(at.getTime())) return;
    expiresAt = at;
    tick();
  }

  function tick() {
    const left = Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000));
    const h = Math.floor(left / 3600);
    const m = Math.floor((left % 3600) / 60);
    const s = left % 60;
    const pad = (n) => String(n).padStart(2, "0");
    el.countdown.textContent = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
    el.countdown.dateTime = expiresAt.toISOString();
  }
  tick();
  setInterval(tick, 1000);

  // --- connection -----------------------------------------------------------------------------

  const stateText = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", ended: "ended" };
  function setState(state) {
    el.connection.dataset.state = state;
    el.connection.textContent = stateText[state];
  }

  let source = null;
  let retryTimer = 0;
  let retryDelay = 1000; // doubles per failed attempt, up to 16 s
  let ended = false;
  let opened = 0;

  function connect() {
    if (ended) return;
    clearTimeout(retryTimer);
    setState(source ? "reconnecting" : "connecting");
    const stream = new EventSource(`/realtime/rooms/${encodeURIComponent(roomId)}/events?lastEventId=${encodeURIComponent(lastEventId)}`);
    source = stream;

    stream.onopen = () => {
      retryDelay = 1000;
      setState("live");
      applyMemberChange({ id: authorId, name: null, online: true }); // this page is the reason
      // Changes missed while not connected: the list is read again (the first open too, cheaply).
      if (opened++ > 0) reloadMembers(500);
    };
    stream.onerror = () => {
      if (ended || source !== stream) return;
      if (stream.readyState === EventSource.CONNECTING) { setState("reconnecting"); return; } // it retries itself, sending Last-Event-ID
      // Closed for good (the gateway or the service answered an error): find out why, then retry with backoff.
      stream.close();
      setState("reconnecting");
      // Jittered, so that the browsers of a replica that died do not all come back in the same instant.
      retryTimer = setTimeout(checkThenReconnect, retryDelay / 2 + Math.random() * retryDelay / 2);
      retryDelay = Math.min(retryDelay * 2, 16000);
    };

    stream.addEventListener("message", (event) => {
      // Only the stream moves the resume point: a POST answer may be ahead of messages not yet streamed.
      if (event.lastEventId) lastEventId = event.lastEventId;
      addMessage(parse(event.data));
    });
    stream.addEventListener("presence", (event) => {
      const presence = parse(event.data);
      if (!presence) return;
      if (presence.online != null) el.online.textContent = presence.online;
      if (presence.members != null) el.members.textContent = presence.members;
      if (presence.expiresAt) setExpiry(new Date(presence.expiresAt));
      if (presence.resync) reloadMembers(2000);
      else for (const change of presence.changes ?? []) applyMemberChange(change);
      checkMemberCount(presence.online, presence.members);
    });
    stream.addEventListener("typing", (event) => {
      const typing = parse(event.data);
      if (typing?.id && typing.id !== authorId) typingStarted(typing);
    });
    stream.addEventListener("destroyed", () => end("room-destroyed", "This room was destroyed."));
    stream.addEventListener("expired", () => end("room-expired", "This room self-destructed."));
  }

  async function checkThenReconnect() {
    try {
      // A members-only read: it tells a room that is gone from a browser that lost its admission.
      const response = await fetch(`${api}/messages?limit=1`, { headers: { Accept: "application/json" } });
      if (response.status === 404) { end("room-not-found", "This room is gone."); return; }
      if (response.status === 401 || response.status === 403) { location.reload(); return; } // the gatekeeper admits again
    } catch { /* offline: just try again */ }
    connect();
  }

  function end(notice, text) {
    if (ended) return;
    ended = true;
    source?.close();
    setState("ended");
    showProblem(`${text} Taking you to the lobby…`);
    el.composer.querySelectorAll("textarea, button").forEach((control) => { control.disabled = true; });
    setTimeout(() => location.assign(`/?notice=${notice}`), 1500);
  }

  const parse = (data) => { try { return JSON.parse(data); } catch { return null; } };

  connect();
  // Leave cleanly (frees the server's stream at once); a page restored from the back/forward cache resumes.
  addEventListener("pagehide", () => { clearTimeout(retryTimer); source?.close(); });
  addEventListener("pageshow", (event) => { if (event.persisted && !ended) connect(); });

  // --- composer -------------------------------------------------------------------------------

  const maxLength = Number(el.text.maxLength) || 2000;
  function updateCounter() {
    const length = el.text.value.length;
    el.counter.textContent = `${length} / ${maxLength}`;
    el.counter.toggleAttribute("data-near-limit", length > maxLength * 0.9);
  }
  updateCounter();
  el.text.addEventListener("input", updateCounter);

  el.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.composer.requestSubmit();
    }
  });

  function showProblem(text) {
    el.problem.textContent = text;
    el.problem.hidden = !text;
  }

  // Sends go out one after another, so two quick messages are stored in the order typed. The
  // composer is cleared at once; a message that fails comes back into it if it is still empty.
  let outbox = Promise.resolve();
  // Each message carries an idempotency key; sending the same text again after a failure reuses it,
  // so a post that was stored although its answer was lost is not stored twice.
  let unsent = null; // { text, key } of the last message that failed
  el.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = el.text.value.trim();
    if (!text || ended) return;
    el.text.value = "";
    updateCounter();
    el.text.focus();
    // A retry sends the very same envelope: a fresh nonce would make it other text for its key.
    const retry = unsent?.text === text ? unsent : null;
    unsent = null;
    outbox = outbox
      .then(async () => send(text, retry?.key ?? newKey(), retry?.body ?? (encrypted ? await encrypt(roomKey, text, roomId, authorId) : text)))
      .catch(() => { showProblem("That message could not be encrypted; please try again."); unsent = null; if (!el.text.value) { el.text.value = text; updateCounter(); } });
  });

  // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  async function send(text, key, body) {
    if (ended) return;
    let problem = "";
    if (body.length > maxLength) {
      // Encryption makes a message about a third longer; the limit is the server's, on what it stores.
      showProblem(`Encrypted, this message is ${body.length} characters; at most ${maxLength} fit. Please shorten it.`);
      if (!el.text.value) { el.text.value = text; updateCounter(); }
      return;
    }
    try {
      const response = await fetch(`${api}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ text: body }),
      });
      if (response.ok) {
        addMessage(await response.json());
        showProblem("");
        return;
      }
      if (response.status === 404) { end("room-not-found", "This room is gone."); return; }
      const details = await response.json().catch(() => null);
      problem = details?.detail ?? details?.title ?? "That didn't send; please try again.";
    } catch {
      problem = "You seem to be offline; your message was not sent.";
    }
    showProblem(problem);
    unsent = { text, key, body };
    if (!el.text.value) { el.text.value = text; updateCounter(); }
  }

  // --- copy link and destroy ------------------------------------------------------------------

  // A private room's link is only whole with its key: the fragment this page was opened with.
  const shareUrl = () => el.copy.dataset.url + (encrypted && readable ? location.hash : "");

  el.copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(shareUrl());
      el.copy.textContent = "Copied!";
      el.copyStatus.textContent = "Link copied to the clipboard.";
    } catch {
      prompt("Copy this link:", shareUrl());
    }
    setTimeout(() => { el.copy.textContent = "Copy link"; }, 2000);
  });

  // Without JavaScript the form destroys at once; here it asks first, then posts the same form.
  el.destroyForm.addEventListener("submit", (event) => {
    if (el.destroyForm.dataset.confirmed) return;
    event.preventDefault();
    el.destroyDialog.returnValue = "";
    el.destroyDialog.showModal();
  });
  el.destroyDialog.addEventListener("close", () => {
    if (el.destroyDialog.returnValue !== "destroy") return;
    ended = true; // our own "destroyed" event must not race the form's redirect
    source?.close();
    el.destroyForm.dataset.confirmed = "true";
    el.destroyForm.requestSubmit();
  });

  // --- members --------------------------------------------------------------------------------

  // id -> { name, online }: the rendered list first, then the changes presence events carry.
  const members = new Map([...el.memberList.children].map((item) => [item.dataset.memberId, {
    name: item.querySelector("[data-member-name]").textContent,
    online: item.dataset.online !== undefined,
  }]));
  // Only a whole list can be checked against the counts (a large room's page shows some of it).
  let listIsWhole = !document.getElementById("members-more");

  let changesDuringReload = null; // while a reload is on its way: changes to apply again on its snapshot

  function applyMemberChange(change) {
    if (!change?.id) return;
    changesDuringReload?.push(change);
    const known = members.get(change.id);
    const name = change.name ?? known?.name ?? (change.id === authorId ? el.ownName.textContent : "…");
    members.set(change.id, { name, online: change.online });
    if (change.id === authorId && change.name) showOwnName(change.name);
    if (!change.online) typingStopped(change.id);
    renderMembers();
  }

  const byName = new Intl.Collator(undefined, { sensitivity: "base" });
  function renderMembers() {
    const ordered = [...members].sort(([, a], [, b]) => (b.online - a.online) || byName.compare(a.name, b.name));
    const items = ordered.slice(0, 200).map(([id, member]) => {
      const item = el.memberTemplate.content.firstElementChild.cloneNode(true);
      item.dataset.memberId = id;
      item.toggleAttribute("data-online", member.online);
      item.toggleAttribute("data-own", id === authorId);
      item.querySelector("[data-member-name]").textContent = member.name;
      item.querySelector("[data-member-state]").textContent = member.online ? "online" : "away";
      return item;
    });
    el.memberList.replaceChildren(...items);
  }

  let reloadTimer = 0;
  /** Reads the list again, soon (spread over up to `spread` ms, so a whole room does not ask at once). */
  function reloadMembers(spread) {
    if (reloadTimer) return; // one is on its way
    reloadTimer = setTimeout(async () => {
      reloadTimer = 0;
      changesDuringReload = [];
      try {
        const response = await fetch(`${api}/members?limit=200`, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const page = await response.json();
        members.clear();
        for (const member of page.members) members.set(member.id, { name: member.name, online: member.online });
        listIsWhole = !page.next;
        const newer = changesDuringReload;
        changesDuringReload = null;
        for (const change of newer) applyMemberChange(change); // the snapshot may be older than they are
        renderMembers();
      } catch { /* offline: the next open reads it again */ } finally { changesDuringReload = null; }
    }, Math.random() * spread);
  }

  // Changes travel as events, which may arrive out of order or (before this replica was bound to
  // the room) not at all: when the list disagrees with the server's own counts, it is read again.
  function checkMemberCount(online, joined) {
    if (!listIsWhole || online == null) return;
    const listed = [...members.values()].filter((member) => member.online).length;
    if (listed !== online || (joined != null && members.size !== joined)) reloadMembers(1500);
  }

  function showOwnName(name) {
    el.ownName.textContent = name;
    if (document.activeElement !== el.renameInput) el.renameInput.value = name;
  }

  el.renameForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = el.renameInput.value.trim();
    if (!name) return;
    el.renameProblem.textContent = "";
    try {
      const response = await fetch(`${api}/members/me`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ name }),
      });
      if (response.ok) {
        const member = await response.json();
        applyMemberChange(member);
        el.renameInput.blur();
        return;
      }
      if (response.status === 404) { end("room-not-found", "This room is gone."); return; }
      const details = await response.json().catch(() => null);
      el.renameProblem.textContent = details?.detail ?? "That name didn't work; try another.";
    } catch {
      el.renameProblem.textContent = "You seem to be offline.";
    }
  });

  // --- typing ---------------------------------------------------------------------------------

  // Others' typing: id -> { name, until }. An announcement shows for 4 s; the sender repeats it
  // every 2 s while keys are pressed, so it is gone within 5 s of the last one.
  const typers = new Map();
  const typingShownFor = 4000;
  let typingTimer = 0;

  function typingStarted(typing) {
    typers.set(typing.id, { name: typing.name, until: Date.now() + typingShownFor });
    renderTyping();
  }

  function typingStopped(id) {
    if (typers.delete(id)) renderTyping();
  }

  function renderTyping() {
    clearTimeout(typingTimer);
    const now = Date.now();
    for (const [id, typer] of typers) if (typer.until <= now) typers.delete(id);
    const names = [...typers.values()].map((typer) => typer.name);
    el.typing.textContent =
      names.length === 0 ? "" :
      names.length === 1 ? `${names[0]} is typing…` :
      names.length === 2 ? `${names[0]} and ${names[1]} are typing…` :
      "Several people are typing…";
    if (typers.size > 0) typingTimer = setTimeout(renderTyping, Math.min(...[...typers.values()].map((typer) => typer.until)) - now + 50);
  }

  // Ours: at most one announcement every 2 s while typing; never what is typed.
  let lastTypingSent = 0;
  el.text.addEventListener("input", () => {
    if (!readable || ended || !el.text.value.trim()) return;
    const now = Date.now();
    if (now - lastTypingSent < 2000) return;
    lastTypingSent = now;
    fetch(`${api}/typing`, { method: "POST", headers: { Accept: "application/json" } }).catch(() => {});
  });
}
