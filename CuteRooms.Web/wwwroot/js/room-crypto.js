// End-to-end encryption of a private room's messages with Web Crypto: AES-GCM with a 256-bit key that
// lives only in the link's fragment (#k=…), a fresh 96-bit nonce per message. The server stores and
// forwards only the envelope "e2e1.<nonce>.<ciphertext>" (base64url), and checks nothing but its shape.
// The room and the author's public id are authenticated with it (AES-GCM's additional data): the
// server cannot show one member's message as another's, nor move it to another room.

const prefix = "e2e1.";

const toBase64Url = (bytes) =>
  btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

function fromBase64Url(text) {
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** A fresh key, as it goes into the fragment. */
export const newRoomKey = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

/** The key of the link this page was opened with, or null (no fragment, or not a key). */
export async function roomKeyFromFragment(hash) {
  const encoded = new URLSearchParams(hash.replace(/^#/, "")).get("k");
  if (!encoded) return null;
  try {
    const raw = fromBase64Url(encoded);
    if (raw.length !== 32) return null;
    return await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  } catch {
    return null;
  }
}

const context = (roomId, authorId) => new TextEncoder().encode(`${roomId}\n${authorId}`);

export async function encrypt(key, text, roomId, authorId) {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const params = { name: "AES-GCM", iv: nonce, additionalData: context(roomId, authorId) };
  const sealed = new Uint8Array(await crypto.subtle.encrypt(params, key, new TextEncoder().encode(text)));
  return `${prefix}${toBase64Url(nonce)}.${toBase64Url(sealed)}`;
}

/** The text of an envelope, or null when it is not one or was not sealed with this key by this author in this room. */
export async function decrypt(key, envelope, roomId, authorId) {
  if (!envelope?.startsWith(prefix)) return null;
  const [nonce, sealed] = envelope.slice(prefix.length).split(".");
  if (!nonce || !sealed) return null;
  try {
    const params = { name: "AES-GCM", iv: fromBase64Url(nonce), additionalData: context(roomId, authorId) };
    const plain = await crypto.subtle.decrypt(params, key, fromBase64Url(sealed));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
