/** Room ids: letters, digits, `_` and `-`, 1 to 64 characters. Checked at the edge before any Durable Object is touched. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** What a refused room id is told. */
export const ROOM_ID_RULE = "room ids are 1-64 characters of A-Z, a-z, 0-9, _ and -";
