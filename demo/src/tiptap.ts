import { Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import StarterKit from "@tiptap/starter-kit";
import * as Y from "yjs";
import { createClient } from "@edgeroom/client";
import { fetchDevToken } from "./devToken.ts";
import { showPresence } from "./presenceList.ts";

// TipTap (ProseMirror) on an Edgeroom document room: the same room, token and status as the
// CodeMirror page, with the text kept in a Y.XmlFragment instead of a Y.Text.

const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#9a6324", "#800000"];

const params = new URLSearchParams(location.search);
let roomId = params.get("room");
if (!roomId || !/^[A-Za-z0-9_-]{1,64}$/.test(roomId)) {
  roomId = `rich-${Math.random().toString(36).slice(2, 8)}`;
  params.set("room", roomId);
  history.replaceState(null, "", `?${params}`);
}
const room = roomId;
const userId = sessionStorage.getItem("edgeroom-user") ?? crypto.randomUUID();
sessionStorage.setItem("edgeroom-user", userId);
// The name others see is the one in this page's token (a token name is 1 to 64 characters).
const name = (params.get("name") ?? localStorage.getItem("edgeroom-name") ?? "").trim().slice(0, 64) || `guest-${userId.slice(0, 4)}`;
const color = COLORS[Math.floor(Math.random() * COLORS.length)]!;

const $ = (id: string) => document.getElementById(id)!;
$("room-name").textContent = room;
const nameInput = $("user-name") as HTMLInputElement;
nameInput.value = name;

const getToken = () => fetchDevToken({ sub: userId, name, room: `doc/${room}`, role: "editor" });
const client = createClient({ baseUrl: location.origin, getToken });
const doc = new Y.Doc();
const provider = client.doc(room, { doc });

const status = $("status");
provider.on("status", (next) => {
  status.textContent = next;
  status.dataset.status = next;
});
provider.on("close", ({ code, reason }) => showError(`Disconnected for good (${code}): ${reason}`));

function showError(message: string): void {
  const error = $("error");
  error.hidden = false;
  error.textContent = message;
}

// Peers see the name in the token, so a new name needs a new token: reload with it.
nameInput.addEventListener("change", () => {
  localStorage.setItem("edgeroom-name", nameInput.value);
  params.set("name", nameInput.value);
  location.search = `?${params}`;
});

const editor = new Editor({
  element: $("editor"),
  extensions: [
    // StarterKit's own undo/redo records every step the editor shows, peers' included, so Ctrl+Z
    // would take back another person's typing. Collaboration brings a Y.UndoManager that tracks
    // only this editor's changes, and binds Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y to it.
    StarterKit.configure({ undoRedo: false }),
    Collaboration.configure({ fragment: doc.getXmlFragment("prosemirror") }),
    // Carets and selections of the others, labelled from their awareness `user`. The room replaces
    // user.id and user.name with the ones in each sender's token and drops any colour that is not
    // #rrggbb, so a label always shows a verified name. The extension writes `user` below into our
    // own awareness state; the name is the one we asked the token for.
    CollaborationCaret.configure({ provider, user: { name, color } }),
  ],
});

showPresence($("presence"), provider.awareness);

// A handle for the browser console (and end-to-end tests): the text without caret labels.
Object.assign(window, { edgeroomDemo: { provider, text: () => editor.getText() } });
