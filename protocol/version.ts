/** Version of Edgeroom's control protocol; the SDK sends it in `hello`, the room answers or closes with 4426. */
export const PROTOCOL_VERSION = 1;
