import type { WidgetError } from '../../shared/protocol.ts'
import { Limits, WidgetErrorCode } from '../../shared/protocol.ts'

export const OFFLINE_FILES = "Files can't be sent while you are offline. Please try again when you are back online."
export const SEND_FAILED = 'Sorry, that file could not be sent. Please try again.'

/** What the visitor reads when their message is over the length the server accepts. */
export function tooLongText(length: number): string {
  return `Your message is too long (${groupDigits(length)} characters). Please keep it under ${groupDigits(Limits.messageText)}.`
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** What the visitor reads for a server error: plain words, not the server's diagnostics. */
export function friendlyError(e: WidgetError): string {
  switch (e.code) {
    case WidgetErrorCode.tooLarge:
      return 'That message is too large to send. Please shorten it.'
    case WidgetErrorCode.tooMany:
      return "You're sending messages too quickly. We'll retry in a moment."
    case WidgetErrorCode.full:
      return e.message || 'All our agents are busy right now. Please try again in a little while.'
    case WidgetErrorCode.blocked:
      return e.message || "Sorry, you can no longer send messages in this chat."
    case WidgetErrorCode.unknownWorkspace:
      return 'This chat is not available right now.'
    case WidgetErrorCode.internal:
      return 'Something went wrong on our side. We will retry in a moment.'
    case WidgetErrorCode.badRequest:
    case WidgetErrorCode.unknownType:
    case WidgetErrorCode.notHello:
      return 'Something went wrong. Please try again.'
    default:
      return e.message || 'Something went wrong. Please try again.'
  }
}
