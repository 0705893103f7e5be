import { z } from "zod";
import { DirectoryEntry, ErrorBody } from "edgeroom/protocol";

/** The admin page: every action goes through the public admin API with the operator's token. */
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
let token = sessionStorage.getItem("edgeroom-admin-token") ?? "";
let selected: DirectoryEntry | null = null;

const Connection = z.object({ id: z.string(), user: z.string(), role: z.string(), connectedAt: z.number(), messagesIn: z.number(), messagesOut: z.number() });
const RoomDetails = z.looseObject({ isLocked: z.boolean(), connectionList: z.array(Connection) });

async function api(path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`/v1/admin${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = ErrorBody.safeParse(body);
    throw new Error(error.success ? error.data.error.message : `HTTP ${response.status}`);
  }
  return body;
}

function showError(error: unknown): void {
  $("error").hidden = false;
  $("error").textContent = error instanceof Error ? error.message : String(error);
}

const roomPath = (room: DirectoryEntry) => (room.kind === "doc" ? `doc/${room.roomId}` : `game/${room.game}/${room.roomId}`);

async function loadRooms(): Promise<void> {
  const params = new URLSearchParams({ limit: "100" });
  if ($<HTMLSelectElement>("kind").value) params.set("kind", $<HTMLSelectElement>("kind").value);
  if ($<HTMLInputElement>("active").checked) params.set("active", "true");
  const page = z.object({ rooms: z.array(DirectoryEntry) }).parse(await api(`/rooms?${params}`));
  $("rooms").querySelector("tbody")!.replaceChildren(
    ...page.rooms.map((room) => {
      const row = document.createElement("tr");
      row.dataset.room = room.room;
      const cells = [room.room, room.kind, String(room.connections), room.locationHint ?? "-", new Date(room.lastActiveAt).toLocaleTimeString(), `${room.storageBytes} B`, room.isLocked ? "yes" : ""];
      for (const text of cells) row.append(Object.assign(document.createElement("td"), { textContent: text }));
      row.addEventListener("click", () => {
        selected = room;
        void loadRoom();
      });
      return row;
    }),
  );
}

async function loadRoom(): Promise<void> {
  if (!selected) return;
  const details = RoomDetails.parse(await api(`/rooms/${roomPath(selected)}`));
  $("room").hidden = false;
  $("room-title").textContent = selected.room;
  $("lock").textContent = details.isLocked ? "Unlock" : "Lock";
  $("connections").querySelector("tbody")!.replaceChildren(
    ...details.connectionList.map((c) => {
      const row = document.createElement("tr");
      row.dataset.user = c.user;
      for (const text of [c.id.slice(0, 8), c.user, c.role, new Date(c.connectedAt).toLocaleTimeString(), String(c.messagesIn), String(c.messagesOut)]) {
        row.append(Object.assign(document.createElement("td"), { textContent: text }));
      }
      const kick = Object.assign(document.createElement("button"), { textContent: "Kick", type: "button" });
      kick.addEventListener("click", () => void act(`/rooms/${roomPath(selected!)}/kick`, { userId: c.user, reason: "removed by an operator" }));
      const actions = document.createElement("td");
      actions.append(kick);
      row.append(actions);
      return row;
    }),
  );
  $("details").textContent = JSON.stringify(details, null, 2);
}

async function act(path: string, body?: unknown, method = "POST"): Promise<void> {
  try {
    await api(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    await loadRooms();
    if (method === "DELETE") {
      selected = null;
      $("room").hidden = true;
    } else await loadRoom();
  } catch (error) {
    showError(error);
  }
}

async function signIn(): Promise<void> {
  try {
    await loadRooms();
    sessionStorage.setItem("edgeroom-admin-token", token);
    $("console").hidden = false;
    $("error").hidden = true;
    $("status").textContent = "signed in";
    $("status").dataset.status = "saved";
    setInterval(() => void loadRooms().catch(showError), 3_000);
  } catch (error) {
    showError(error);
  }
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  token = $<HTMLInputElement>("token").value;
  void signIn();
});
$("refresh").addEventListener("click", () => void loadRooms().catch(showError));
$("kind").addEventListener("change", () => void loadRooms().catch(showError));
$("active").addEventListener("change", () => void loadRooms().catch(showError));
$("broadcast").addEventListener("click", () => void act(`/rooms/${roomPath(selected!)}/broadcast`, { message: $<HTMLInputElement>("message").value }));
$("lock").addEventListener("click", () => void act(`/rooms/${roomPath(selected!)}/lock`, { locked: $("lock").textContent === "Lock" }));
$("delete").addEventListener("click", () => {
  if (confirm(`Delete ${selected!.room}? Everyone is disconnected and its storage is purged.`)) void act(`/rooms/${roomPath(selected!)}`, undefined, "DELETE");
});
if (token) {
  $<HTMLInputElement>("token").value = token;
  void signIn();
}
