/** Messages between the feed (main thread) and the ingest worker. */

export type ToIngest =
  /** Opens the agent's database in the worker (first message). */
  | { type: 'open'; workspace: string; agentId: string }
  /** An `events` frame's text, as the socket delivered it; `socket` numbers the connection. */
  | { type: 'frame'; id: number; socket: number; text: string }
  /** Builds the search index up to the log (e.g. after the main thread reset the log). */
  | { type: 'kick' }

export type FromIngest =
  | { type: 'applied'; id: number; lastSeq: number }
  | { type: 'failed'; id: number; message: string }
