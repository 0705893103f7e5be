import { createClient, type DocProvider } from "../../client-sdk/index.ts";

/** Gets a development token from a running service. */
export async function devToken(baseUrl: string, claims: { sub: string; room: string; role: string; name?: string }) {
  const response = await fetch(`${baseUrl}/v1/dev/token`, { method: "POST", body: JSON.stringify(claims) });
  if (!response.ok) throw new Error(`dev token: HTTP ${response.status}`);
  const body = (await response.json()) as { token: string };
  return body.token;
}

/** An SDK client whose tokens come from the development route. */
export function sdkClient(baseUrl: string, sub: string, role = "editor", room = "doc/*") {
  return createClient({
    baseUrl,
    getToken: () => devToken(baseUrl, { sub, room, role }),
    reconnect: { minDelayMs: 100, maxDelayMs: 1_000 },
  });
}

/** Resolves when `check` passes, polling every 20 ms; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function statusLog(provider: DocProvider): string[] {
  const seen: string[] = [provider.status];
  provider.on("status", (status) => seen.push(status));
  return seen;
}
