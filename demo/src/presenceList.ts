import type { Awareness } from "y-protocols/awareness";
import { presentPeople } from "@edgeroom/client";

/** Keeps `list` showing who is in the document: names as the room wrote them from each token, colours only as #rrggbb. */
export function showPresence(list: HTMLElement, awareness: Awareness): void {
  const render = () => {
    list.replaceChildren(
      ...presentPeople(awareness).map((person) => {
        const item = document.createElement("li");
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = person.color;
        const label = document.createElement("span");
        label.textContent = person.isSelf ? `${person.name} (you)` : person.name;
        item.append(swatch, label);
        return item;
      }),
    );
  };
  awareness.on("change", render);
  render();
}
