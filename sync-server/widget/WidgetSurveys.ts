import { conversationDocName, metaOf } from '../../shared/documents.ts'
import { EventType, type ToWidget, type WidgetSurvey } from '../../shared/protocol.ts'
import type { WidgetConfig } from '../../shared/widgetConfig.ts'
import type { Conversations } from '../Conversations.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { Store, VisitorRecord } from '../store/Store.ts'

export interface WidgetSurveysDeps {
  store: Store
  rooms: RoomManager
  conversations: Conversations
  now: () => number
  widgetConfig: (workspace: string) => Promise<WidgetConfig>
  /** Sends a frame to every open socket of a visitor; false when they have none. */
  sendTo: (workspace: string, visitorId: string, frame: ToWidget) => boolean
}

/**
 * A closed conversation asks its visitor for a rating, as configured. A visitor away when it
 * closed is asked when they are back: the conversation notes that it owes the survey
 * (`meta.surveyOwed`), so a restart in between forgets nothing.
 */
export class WidgetSurveys {
  constructor(private deps: WidgetSurveysDeps) {}

  /** A conversation just closed: its visitor is asked now, or (`mayOwe`) owed the survey until they are back. */
  async closed(workspace: string, conversationId: string, mayOwe = true): Promise<void> {
    const conv = await this.deps.conversations.get(workspace, conversationId)
    if (!conv) return
    const { survey } = await this.deps.widgetConfig(workspace)
    if (!survey.csat && !survey.nps) return
    // Messenger visitors have no widget to rate in.
    const visitor = await this.deps.store.getVisitor(workspace, conv.visitorId)
    if (!visitor || visitor.channel) return
    const frame: ToWidget = { type: 'survey', conversationId: conv.id, csat: survey.csat, nps: survey.nps, comment: survey.comment }
    if (this.deps.sendTo(workspace, conv.visitorId, frame)) await this.sent(workspace, conv.id, conv.visitorId)
    else if (mayOwe) await this.setOwed(workspace, conv.id, true)
  }

  /** Logs that a survey reached the visitor's widget: the reports' denominator of the response rate. */
  async sent(workspace: string, conversationId: string, visitorId: string): Promise<void> {
    await this.deps.store.commit({ workspace, events: [{ type: EventType.surveySent, at: this.deps.now(), conversationId, data: { visitorId } }] })
  }

  /**
   * The survey of the visitor's latest conversation when it closed while they were away, unless it
   * was rated meanwhile; asked once (the note is cleared as the survey is sent).
   */
  async owed(workspace: string, visitor: VisitorRecord): Promise<WidgetSurvey | null> {
    const conversationId = visitor.currentConversationId
    if (!conversationId) return null
    const conv = await this.deps.conversations.get(workspace, conversationId)
    if (conv?.status !== 'closed') return null
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = metaOf(room.doc)
      if (meta.get('surveyOwed') !== true) return null
      await room.change((doc) => metaOf(doc).set('surveyOwed', false))
      if (meta.get('csat') !== undefined || meta.get('nps') !== undefined) return null
    } finally {
      this.deps.rooms.release(room)
    }
    const { survey } = await this.deps.widgetConfig(workspace)
    if (!survey.csat && !survey.nps) return null
    return { type: 'survey', conversationId, csat: survey.csat, nps: survey.nps, comment: survey.comment }
  }

  private async setOwed(workspace: string, conversationId: string, owed: boolean): Promise<void> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      if ((metaOf(room.doc).get('surveyOwed') === true) !== owed) await room.change((doc) => metaOf(doc).set('surveyOwed', owed))
    } finally {
      this.deps.rooms.release(room)
    }
  }
}
