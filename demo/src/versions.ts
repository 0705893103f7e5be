import * as Y from "yjs";
import { z } from "zod";

const VersionList = z.object({
  versions: z.array(z.object({ id: z.string(), createdAt: z.number(), bytes: z.number(), editors: z.array(z.string()) })),
});

/** The editor's version panel: lists the document's versions and previews one's text. */
export function showVersions(roomId: string, textName: string, getToken: () => Promise<string>): () => Promise<void> {
  const list = document.getElementById("versions")!;
  const preview = document.getElementById("preview")!;
  // The token travels in Authorization, never in a URL, where access logs and proxies would keep it.
  const authorized = async () => ({ headers: { Authorization: `Bearer ${await getToken()}` } });
  const refresh = async () => {
    const response = await fetch(`/v1/doc/${roomId}/versions`, await authorized());
    const parsed = VersionList.safeParse(await response.json().catch(() => null));
    if (!parsed.success) return;
    list.replaceChildren(
      ...parsed.data.versions.map((v) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.className = "link";
        button.dataset.version = v.id;
        button.textContent = `${new Date(v.createdAt).toLocaleTimeString()} by ${v.editors.join(", ") || "nobody"} (${v.bytes} B)`;
        button.addEventListener("click", async () => {
          const bytes = new Uint8Array(await (await fetch(`/v1/doc/${roomId}/versions/${v.id}`, await authorized())).arrayBuffer());
          const doc = new Y.Doc();
          Y.applyUpdate(doc, bytes);
          preview.hidden = false;
          preview.textContent = doc.getText(textName).toString();
        });
        li.append(button);
        return li;
      }),
    );
  };
  document.getElementById("refresh-versions")!.addEventListener("click", () => void refresh());
  void refresh();
  return refresh;
}
