/**
 * One structured JSON line per event an operator needs (refusals, closes, failures).
 * Errors are logged whole here and never sent to a client.
 */
export function logEvent(event: string, fields: Record<string, unknown> = {}): void {
  const line: Record<string, unknown> = { event, ...fields };
  const error = fields.error;
  if (error instanceof Error) line.error = { name: error.name, message: error.message, stack: error.stack };
  console.log(JSON.stringify(line));
}
