/** A handler failure with a stable `errorCode` (the worker records `code`; the tracker filters on it). */
export function jobError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}
