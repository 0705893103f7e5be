import { Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import StarterKit from "@tiptap/starter-kit";
import { $, openDocPage } from "./docPage.ts";
import { showPresence } from "./presenceList.ts";

// TipTap (ProseMirror) on an Edgeroom document room: the same room, token and status as the
// CodeMirror page, with the text kept in a Y.XmlFragment instead of a Y.Text.
const { role, name, color, doc, connect } = openDocPage("rich");
const provider = connect();

const editor = new Editor({
  element: $("editor"),
  // `?role=viewer` asks for a viewer's token; the room refuses its writes, and the page offers none.
  editable: role === "editor",
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
