import type { ConversationStatus, ToWidget, WidgetErrorCode, WidgetHistoryMessage, WidgetWelcome } from '../../shared/protocol.ts'
import { MessageKind } from '../../shared/protocol.ts'

// The widget cannot afford zod, so these guards check by hand the few fields it reads.
// They run on server frames and on localStorage, which the host page's own scripts can edit.

const KINDS: readonly string[] = Object.values(MessageKind)

/** True when `x` has the shape of a message the widget can render. */
export function isHistoryMessage(x: unknown): x is WidgetHistoryMessage {
  if (!isObject(x)) return false
  return (
    typeof x.id === 'string' &&
    x.id !== '' &&
    typeof x.clientId === 'string' &&
    typeof x.kind === 'string' &&
    KINDS.includes(x.kind) &&
    typeof x.authorName === 'string' &&
    typeof x.text === 'string' &&
    typeof x.at === 'number' &&
    typeof x.conversationId === 'string'
  )
}

/**
 * Parses one text frame from the server. Returns null for anything malformed or of a type
 * this widget does not know: a newer server may add frames, and an old widget cached in a
 * visitor's browser should ignore them rather than fail.
 */
export function decodeFrame(data: unknown): ToWidget | null {
  if (typeof data !== 'string') return null
  let f: unknown
  try {
    f = JSON.parse(data)
  } catch {
    return null
  }
  if (!isObject(f)) return null
  switch (f.type) {
    case 'welcome':
      if (typeof f.visitorToken !== 'string' || !Array.isArray(f.history)) return null
      return {
        type: 'welcome',
        protocol: typeof f.protocol === 'number' ? f.protocol : 0,
        visitorToken: f.visitorToken,
        visitorId: typeof f.visitorId === 'string' ? f.visitorId : '',
        // One bad entry should not cost the visitor the rest of the conversation.
        history: f.history.filter(isHistoryMessage),
        // The configuration is parsed by parseWidgetConfig where it is used; here only its presence.
        ...(isObject(f.config) ? { config: f.config as unknown as NonNullable<WidgetWelcome['config']> } : {}),
        ...(isObject(f.availability)
          ? { availability: { online: f.availability.online !== false, requestForm: f.availability.requestForm === true } }
          : {}),
        ...(isObject(f.current) && typeof f.current.conversationId === 'string' && typeof f.current.status === 'string'
          ? { current: { conversationId: f.current.conversationId, status: f.current.status as ConversationStatus } }
          : f.current === null
            ? { current: null }
            : {}),
        ...(typeof f.formDone === 'boolean' ? { formDone: f.formDone } : {}),
      }
    case 'ack':
      if (typeof f.clientId !== 'string' || typeof f.id !== 'string') return null
      return {
        type: 'ack',
        clientId: f.clientId,
        id: f.id,
        conversationId: typeof f.conversationId === 'string' ? f.conversationId : '',
      }
    case 'message': {
      const message = f.message
      if (!isObject(message)) return null
      // Some servers may only put the conversation id on the frame; copy it onto the message.
      const withConversation =
        typeof message.conversationId === 'string' ? message : { ...message, conversationId: f.conversationId }
      if (!isHistoryMessage(withConversation)) return null
      return { type: 'message', conversationId: withConversation.conversationId, message: withConversation }
    }
    case 'queue':
      if (typeof f.position !== 'number') return null
      return { type: 'queue', position: f.position, waitSeconds: typeof f.waitSeconds === 'number' ? f.waitSeconds : null }
    case 'typing':
      if (typeof f.conversationId !== 'string') return null
      return { type: 'typing', conversationId: f.conversationId, typing: f.typing === true, name: typeof f.name === 'string' ? f.name : '' }
    case 'read':
      if (typeof f.conversationId !== 'string' || typeof f.upTo !== 'string') return null
      return { type: 'read', conversationId: f.conversationId, upTo: f.upTo }
    case 'survey':
      if (typeof f.conversationId !== 'string') return null
      return { type: 'survey', conversationId: f.conversationId, csat: f.csat === true, nps: f.nps === true, comment: f.comment === true }
    case 'saved':
      if (f.what !== 'form' && f.what !== 'rating' && f.what !== 'attributes') return null
      return { type: 'saved', what: f.what }
    case 'error':
      return {
        type: 'error',
        // A code this build does not know still shows the server's message (see friendlyError).
        code: (typeof f.code === 'string' ? f.code : 'internal') as WidgetErrorCode,
        message: typeof f.message === 'string' ? f.message : '',
        ...(typeof f.clientId === 'string' ? { clientId: f.clientId } : {}),
      }
    default:
      return null
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
