/** Version of Edgeroom's control protocol; the SDK sends it in `hello`, the room answers or closes with 4426. */
export const PROTOCOL_VERSION = 1;

/** Why a client speaking `protocol` cannot be served (the reason of a 4426 close), or null when it can. */
export function versionMismatch(protocol: number): string | null {
  if (protocol === PROTOCOL_VERSION) return null;
  const older = protocol < PROTOCOL_VERSION ? "client" : "server";
  return `${older} is older: client speaks protocol ${protocol}, server ${PROTOCOL_VERSION}`;
}
