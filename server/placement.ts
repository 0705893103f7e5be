import { Region } from "../protocol/index.ts";

/** request.cf.continent to the nearest Durable Object location hint. Antarctica has no region of its own. */
const HINT_BY_CONTINENT: Record<string, Region> = {
  NA: "enam",
  SA: "sam",
  EU: "weur",
  AS: "apac",
  OC: "oc",
  AF: "afr",
};

export type PlacementResult = { ok: true; hint: Region | undefined } | { ok: false; message: string };

/**
 * Where a new room should live: an explicit `?region=` wins, else the first player's
 * continent. Durable Objects honour the hint only when the object is first created. `url`: the
 * request's, if parsed already.
 */
export function choosePlacement(request: Request, url = new URL(request.url)): PlacementResult {
  const asked = url.searchParams.get("region");
  if (asked !== null) {
    const region = Region.safeParse(asked);
    if (!region.success) return { ok: false, message: `region must be one of ${Region.options.join(", ")}` };
    return { ok: true, hint: region.data };
  }
  const continent = request.cf?.continent;
  return { ok: true, hint: typeof continent === "string" ? HINT_BY_CONTINENT[continent] : undefined };
}
