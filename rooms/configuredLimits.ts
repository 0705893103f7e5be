/**
 * Bounds the Worker's code sets through `createEdgeroom({ limits })`. Each one set here wins over its
 * env var (MAX_CONNECTIONS_PER_SUB, PUBLIC_RATE_LIMIT_PER_MINUTE, ROOM_CREATIONS_PER_MINUTE); each one
 * left out falls back to the env var, then to the built-in default. Set once at the top level of the
 * Worker module, so the Worker and every room in the isolate read the same values.
 */
export interface ConfiguredLimits {
  /** Live connections one `sub` may hold in one room. */
  maxConnectionsPerSub?: number;
  /** Requests one client address may make to the public HTTP routes per minute (and in one burst). */
  publicRequestsPerMinute?: number;
  /** New rooms one `sub` may create per minute (and in one burst). */
  roomCreationsPerMinute?: number;
}

let configured: Readonly<ConfiguredLimits> = {};

/** Only createEdgeroom calls this, with values its config schema checked (positive integers). */
export function configureLimits(limits: ConfiguredLimits): void {
  configured = { ...limits };
}

/** What createEdgeroom set; an empty object when it set no limits. */
export function configuredLimits(): Readonly<ConfiguredLimits> {
  return configured;
}
