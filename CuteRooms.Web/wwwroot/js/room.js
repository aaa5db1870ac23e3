// The live parts of the room page: the SSE stream, posting without reload, the countdown, the
// counts and the destroy confirmation. The page is complete without this module; it only adds.
// Message text is only ever set with textContent, never parsed as HTML.

const root = document.getElementById("room");
if (root) start(root);

function start(root) {
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
  };

  for (const hidden of root.querySelectorAll("[data-js-only]")) hidden.hidden = false;

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
    item.querySelector("[data-text]").textContent = message.text;
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

  function connect() {
    if (ended) return;
    clearTimeout(retryTimer);
    setState(source ? "reconnecting" : "connecting");
    const stream = new EventSource(`/realtime/rooms/${encodeURIComponent(roomId)}/events?lastEventId=${encodeURIComponent(lastEventId)}`);
    source = stream;

    stream.onopen = () => { retryDelay = 1000; setState("live"); };
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
    const key = unsent?.text === text ? unsent.key : newKey();
    unsent = null;
    outbox = outbox.then(() => send(text, key));
  });

  // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  async function send(text, key) {
    if (ended) return;
    let problem = "";
    try {
      const response = await fetch(`${api}/messages`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": key },
        body: JSON.stringify({ text }),
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
    unsent = { text, key };
    if (!el.text.value) { el.text.value = text; updateCounter(); }
  }

  // --- copy link and destroy ------------------------------------------------------------------

  el.copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(el.copy.dataset.url);
      el.copy.textContent = "Copied!";
      el.copyStatus.textContent = "Link copied to the clipboard.";
    } catch {
      prompt("Copy this link:", el.copy.dataset.url);
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
}
