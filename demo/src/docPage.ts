// What the CodeMirror and TipTap pages share: the room from the URL, who this person is, the header
// (room name, name field, status, errors), and one provider on an Edgeroom document room.
import * as Y from "yjs";
import { createClient, type DocProvider } from "@edgeroom/client";
import { fetchDevToken } from "./devToken.ts";

const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#9a6324", "#800000"];

export const $ = (id: string): HTMLElement => document.getElementById(id)!;

export interface DocPage {
  params: URLSearchParams;
  room: string;
  role: "editor" | "viewer";
  /** The name in this page's token: the one others see. */
  name: string;
  /** A #rrggbb colour for this person's cursor (the room drops any other form). */
  color: string;
  getToken: () => Promise<string>;
  doc: Y.Doc;
  showError(message: string): void;
  /** Connects the page's doc to the room and shows the provider's status and fatal close. */
  connect(): DocProvider;
}

/**
 * Reads the page's room (`?room=`, or a new one named `${prefix}-…` put back in the URL) and role
 * (`?role=viewer`), and fills the header. A room id is what the service accepts: 1 to 64 of
 * [A-Za-z0-9_-].
 */
export function openDocPage(prefix: string): DocPage {
  const params = new URLSearchParams(location.search);
  let room = params.get("room");
  if (!room || !/^[A-Za-z0-9_-]{1,64}$/.test(room)) {
    room = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
    params.set("room", room);
    history.replaceState(null, "", `?${params}`);
  }
  const userId = sessionStorage.getItem("edgeroom-user") ?? crypto.randomUUID();
  sessionStorage.setItem("edgeroom-user", userId);
  // The name others see is the one in this page's token (a token name is 1 to 64 characters).
  const name = (params.get("name") ?? localStorage.getItem("edgeroom-name") ?? "").trim().slice(0, 64) || `guest-${userId.slice(0, 4)}`;
  const role = params.get("role") === "viewer" ? "viewer" : "editor";

  $("room-name").textContent = room;
  const nameInput = $("user-name") as HTMLInputElement;
  nameInput.value = name;
  // Peers see the name in the token, so a new name needs a new token: reload with it.
  nameInput.addEventListener("change", () => {
    localStorage.setItem("edgeroom-name", nameInput.value);
    params.set("name", nameInput.value);
    location.search = `?${params}`;
  });

  const showError = (message: string) => {
    const error = $("error");
    error.hidden = false;
    error.textContent = message;
  };
  const getToken = () => fetchDevToken({ sub: userId, name, room: `doc/${room}`, role });
  const doc = new Y.Doc();
  const connect = () => {
    const provider = createClient({ baseUrl: location.origin, getToken }).doc(room, { doc });
    const status = $("status");
    provider.on("status", (next) => {
      status.textContent = next;
      status.dataset.status = next;
    });
    provider.on("close", ({ code, reason }) => showError(`Disconnected for good (${code}): ${reason}`));
    return provider;
  };
  const color = COLORS[Math.floor(Math.random() * COLORS.length)]!;
  return { params, room, role, name, color, getToken, doc, showError, connect };
}
