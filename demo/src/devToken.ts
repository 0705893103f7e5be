/**
 * Fetches a development token from the local service. Real apps mint tokens on their
 * own backend with AUTH_SECRET; this route exists only while DEV_TOKENS is "on".
 */
export async function fetchDevToken(claims: { sub: string; name?: string; room: string; role: string }): Promise<string> {
  const response = await fetch("/v1/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(claims),
  });
  const body: unknown = await response.json();
  if (!response.ok || typeof body !== "object" || body === null || !("token" in body) || typeof body.token !== "string") {
    throw new Error(`could not get a development token (HTTP ${response.status})`);
  }
  return body.token;
}
