/**
 * The states of a connection: one for its read side, one for its write side, instead of a flag per fact.
 * (Whether the socket is full is the output's own state, `Output.blocked`, possible on either side.)
 *
 * Read side, in order (everything from {@link STOPPED} on reads no more requests):
 * {@link READING} → {@link PAUSED_FOR_BODY} ⇄ {@link READING}; {@link READING} ⇄ {@link PAUSED_PIPELINE};
 * an early answer: {@link READING} → {@link DISCARDING_BODY} → {@link READING} (or → {@link LINGERING});
 * a close decided: → {@link STOPPED} → {@link LINGERING} → {@link CLOSED}.
 *
 * @module
 */

/** Parsing requests as bytes arrive. */
export const READING = 0
/** The socket is paused: a request body buffered its high-water mark and waits for its reader. */
export const PAUSED_FOR_BODY = 1
/** The parser is paused behind queued requests (`maxPipelined`) or an upgrade request; the bytes wait. */
export const PAUSED_PIPELINE = 2
/** After an early answer, the rest of that request's body is read and dropped; the connection stays. */
export const DISCARDING_BODY = 3
/** No more requests are read (close decided, parse error, EOF); queued ones are still answered. */
export const STOPPED = 4
/** The last answer is out and the socket ended; what the client still sends is dropped (lingering close). */
export const LINGERING = 5
/** The socket closed, or was handed to an upgrade handler. */
export const CLOSED = 6
/** Where the read side of a connection is. */
export type ReadState =
  | typeof READING
  | typeof PAUSED_FOR_BODY
  | typeof PAUSED_PIPELINE
  | typeof DISCARDING_BODY
  | typeof STOPPED
  | typeof LINGERING
  | typeof CLOSED

/** No answer in progress. */
export const IDLE = 0
/** The head of the queue is being answered (the host works on it, or its response is being written). */
export const ACTIVE = 1
/** The answer in progress is the last one: the connection closes after it. */
export const CLOSING = 2
/** The last answer has been handed over and the socket ended (or switched protocols): nothing more is written. */
export const ENDED = 3
/** Where the write side of a connection is. */
export type WriteState = typeof IDLE | typeof ACTIVE | typeof CLOSING | typeof ENDED
