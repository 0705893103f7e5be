// Test support: a WebSocket stand-in for the SDK's tests, shared by the files that drive reconnects by hand.

/** A socket the test opens, feeds and drops by hand, recording what the client sends. */
export class FakeSocket {
  static made: FakeSocket[] = [];
  binaryType = "blob";
  readyState = 0;
  readonly sent: (string | Uint8Array)[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.made.push(this);
  }
  get token(): string | null {
    return new URL(this.url).searchParams.get("token");
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(data: string | Uint8Array) {
    this.onmessage?.({ data: typeof data === "string" ? data : data.slice().buffer });
  }
  drop(code: number, reason = "dropped") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  refuse() {
    this.readyState = 3;
    this.onerror?.();
  }
  /** Whether the client closed it. */
  isClosedByClient = false;
  close() {
    this.isClosedByClient = true;
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  /** The JSON messages this socket carried. */
  get json(): { type: string; [key: string]: unknown }[] {
    return this.sent.flatMap((d) => (typeof d === "string" ? [JSON.parse(d)] : []));
  }
}
