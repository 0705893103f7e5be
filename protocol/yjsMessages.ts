/**
 * The y-protocols message table, as stock y-websocket clients and servers number it: every binary
 * frame is [messageType varUint][payload], and a SYNC payload starts with its step. Declared here once
 * for the room (rooms/doc/frames.ts) and the SDK (client-sdk/DocProvider.ts). Plain constants, no zod,
 * so browser pages that import it ship nothing else.
 */
export const YjsMessageType = { SYNC: 0, AWARENESS: 1, AUTH: 2, QUERY_AWARENESS: 3 } as const;

/** The steps of a SYNC message (y-protocols/sync's messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate). */
export const YjsSyncStep = { STEP1: 0, STEP2: 1, UPDATE: 2 } as const;
