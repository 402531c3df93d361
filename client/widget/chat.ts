/**
 * The chat bundle, `/widget/chat.js`: loaded by the loader (`/widget.js`) when the visitor opens the
 * box, an invitation is due, or a conversation is going. Its one export builds the session in
 * the loader's shadow root.
 */
import type { MountChat } from './api.ts'
import { ChatSession } from './session.ts'

export const mount: MountChat = (ctx) => {
  const session = new ChatSession(ctx)
  session.start()
  return session
}
