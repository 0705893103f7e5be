import { encodeGameMessage } from "../../protocol/index.ts";

/** The probe a game room sends to check a client reads; its echo proves it (the rate gate lets it through). */
export const PROBE = encodeGameMessage({ type: "probe" });
