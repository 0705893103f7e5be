import { defaultKeymap } from "@codemirror/commands";
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from "@codemirror/view";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { IndexeddbPersistence } from "y-indexeddb";
import * as Y from "yjs";
import { createClient } from "@edgeroom/client";
import { fetchDevToken } from "./devToken.ts";
import { showPresence } from "./presenceList.ts";
import { showVersions } from "./versions.ts";

const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#9a6324", "#800000"];

const params = new URLSearchParams(location.search);
let roomId = params.get("room");
if (!roomId || !/^[A-Za-z0-9_-]{1,64}$/.test(roomId)) {
  roomId = `notes-${Math.random().toString(36).slice(2, 8)}`;
  params.set("room", roomId);
  history.replaceState(null, "", `?${params}`);
}
const userId = sessionStorage.getItem("edgeroom-user") ?? crypto.randomUUID();
sessionStorage.setItem("edgeroom-user", userId);
// The name others see is the one in this page's token (a token name is 1 to 64 characters).
const name = (params.get("name") ?? localStorage.getItem("edgeroom-name") ?? "").trim().slice(0, 64) || `guest-${userId.slice(0, 4)}`;
const color = COLORS[Math.floor(Math.random() * COLORS.length)]!;

const $ = (id: string) => document.getElementById(id)!;
$("room-name").textContent = roomId;
const nameInput = $("user-name") as HTMLInputElement;
nameInput.value = name;

const room = roomId;
const role = params.get("role") === "viewer" ? "viewer" : "editor";
$("role").textContent = role === "viewer" ? "viewer (read-only)" : "editor";
const getToken = () => fetchDevToken({ sub: userId, name, room: `doc/${room}`, role });
const client = createClient({ baseUrl: location.origin, getToken });
const doc = new Y.Doc();
// `?offline=1`: keep a copy of the document in this browser's IndexedDB, so edits made without a
// connection survive a reload and reach the room on the next connect (the SDK's first sync sends
// whatever the room lacks). Loaded before connecting, so the first sync already carries them.
// Opt-in, not always: the copy outlives the session on a shared computer, and it would hand a
// room's old content back to the room after an admin deleted it.
if (params.get("offline") === "1") await new IndexeddbPersistence(`edgeroom-doc-${room}`, doc).whenSynced;
const provider = client.doc(room, { doc });
// The room replaces user.id and user.name with the token's; the colour is ours to pick (#rrggbb only).
provider.awareness.setLocalStateField("user", { name, color });

const status = $("status");
provider.on("status", (next) => {
  status.textContent = next;
  status.dataset.status = next;
});
provider.on("refused", () => showError("The room refused an edit: this document is read-only for you."));
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

const ytext = doc.getText("codemirror");
showVersions(room, "codemirror", getToken);
// Undo is Yjs's, not CodeMirror's: CodeMirror's history() (in basicSetup) records every change the
// editor shows, peers' included, so Ctrl+Z would take back another person's typing. A Y.UndoManager
// on the text tracks only changes made through this editor (yCollab adds its sync origin to
// trackedOrigins), so undo and redo touch this person's edits alone. Hence the editor setup below is
// the view parts of basicSetup without history() and its keymap (and without code-only parts:
// brackets, folding, completion; this is prose).
const undoManager = new Y.UndoManager(ytext);
const view = new EditorView({
  parent: $("editor"),
  // yCollab passes on changes to the text after this point only: the text IndexedDB already loaded
  // (with `?offline=1`) must be the editor's starting content, or the page shows an empty editor.
  doc: ytext.toString(),
  extensions: [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
    EditorView.lineWrapping,
    EditorView.editable.of(role === "editor"),
    yCollab(ytext, provider.awareness, { undoManager }),
  ],
});

showPresence($("presence"), provider.awareness);

// A handle for the browser console (and end-to-end tests): the text without cursor widgets.
Object.assign(window, { edgeroomDemo: { provider, text: () => view.state.doc.toString() } });
