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
import { $, openDocPage } from "./docPage.ts";
import { showPresence } from "./presenceList.ts";
import { showVersions } from "./versions.ts";

const { params, room, role, name, color, getToken, doc, showError, connect } = openDocPage("notes");
$("role").textContent = role === "viewer" ? "viewer (read-only)" : "editor";
// `?offline=1`: keep a copy of the document in this browser's IndexedDB, so edits made without a
// connection survive a reload and reach the room on the next connect (the SDK's first sync sends
// whatever the room lacks). Loaded before connecting, so the first sync already carries them.
// Opt-in, not always: the copy outlives the session on a shared computer, and it would hand a
// room's old content back to the room after an admin deleted it.
if (params.get("offline") === "1") await new IndexeddbPersistence(`edgeroom-doc-${room}`, doc).whenSynced;
const provider = connect();
// The room replaces user.id and user.name with the token's; the colour is ours to pick (#rrggbb only).
provider.awareness.setLocalStateField("user", { name, color });
provider.on("refused", () => showError("The room refused an edit: this document is read-only for you."));

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
