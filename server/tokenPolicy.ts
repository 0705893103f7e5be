import { checkSecretLength, type ConfigRefusal } from "./secretLength.ts";

/** Longest lifetime (exp - iat) of an accepted token, in seconds, unless MAX_TOKEN_LIFETIME_SECONDS says otherwise. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** The settings that decide which tokens the edge accepts; every one optional, each safe when unset. */
export interface TokenSettings {
  /** Signs and verifies tokens. */
  AUTH_SECRET?: string;
  /** The secret before the last rotation, still accepted until it is removed. */
  AUTH_SECRET_PREVIOUS?: string;
  /** When set, a token's `aud` must name it. */
  AUTH_AUDIENCE?: string;
  /** When set, a token's `iss` must be it. */
  AUTH_ISSUER?: string;
  /** Whole seconds, > 0; default DEFAULT_MAX_TOKEN_LIFETIME_SECONDS. */
  MAX_TOKEN_LIFETIME_SECONDS?: string;
}

export interface TokenPolicy {
  /** The operator's secrets, the current one first. */
  secrets: Uint8Array[];
  audience: string | undefined;
  issuer: string | undefined;
  maxLifetimeSeconds: number;
}

/** Reads and checks the settings on each use; a bad one is a 503 naming it, never a looser check. */
export function resolveTokenPolicy(settings: TokenSettings): { ok: true; policy: TokenPolicy } | { ok: false; refusal: ConfigRefusal } {
  const secrets: Uint8Array[] = [];
  for (const variable of ["AUTH_SECRET", "AUTH_SECRET_PREVIOUS"] as const) {
    const value = settings[variable];
    if (!value) continue;
    const refusal = checkSecretLength(variable, value);
    if (refusal) return { ok: false, refusal };
    secrets.push(new TextEncoder().encode(value));
  }
  const maxLifetimeSeconds = parseLifetime(settings.MAX_TOKEN_LIFETIME_SECONDS);
  if (maxLifetimeSeconds === null) {
    const value = settings.MAX_TOKEN_LIFETIME_SECONDS;
    return {
      ok: false,
      refusal: {
        status: 503,
        code: "auth_misconfigured",
        message: "MAX_TOKEN_LIFETIME_SECONDS must be a whole number of seconds greater than 0",
        log: { event: "auth_misconfigured", fields: { variable: "MAX_TOKEN_LIFETIME_SECONDS", value } },
      },
    };
  }
  return {
    ok: true,
    policy: { secrets, audience: settings.AUTH_AUDIENCE || undefined, issuer: settings.AUTH_ISSUER || undefined, maxLifetimeSeconds },
  };
}

function parseLifetime(value: string | undefined): number | null {
  if (value === undefined || value === "") return DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!/^\d{1,10}$/.test(value)) return null;
  const seconds = Number(value);
  return seconds > 0 ? seconds : null;
}

/**
 * A token's lifetime in seconds: from its `iat`, or from now when it has none or when `iat` lies
 * in the future (a forward-dated `iat` must not make a long-lived token look short).
 */
export function tokenLifetimeSeconds(exp: number, iat: number | undefined, nowSeconds: number): number {
  return exp - Math.min(iat ?? nowSeconds, nowSeconds);
}
