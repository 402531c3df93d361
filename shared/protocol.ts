/**
 * The wire contract between the server, the agent app and the visitor widget.
 * Plain constants and types only: the widget imports this file, so it must pull in no dependencies.
 */

/** Bumped on any incompatible change to the frames below. */
export const PROTOCOL_VERSION = 1

/** WebSocket close codes, modelled on HTTP statuses (DESIGN §5). */
export const CloseCode = {
  badRequest: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  tooLarge: 4413,
  tooMany: 4429,
  /** The server is shutting down; clients reconnect with backoff. */
  goingAway: 1001,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/** Limits shared by both sides so that the widget can refuse early what the server would refuse. */
export const Limits = {
  /** Longest visitor or agent message text, in characters. */
  messageText: 10_000,
  /** Largest widget frame the server reads, in bytes. */
  widgetFrame: 32 * 1024,
  /** Largest sync frame the server reads, in bytes. */
  syncFrame: 2 * 1024 * 1024,
  /** Largest document the server keeps in memory, in bytes of encoded updates. */
  documentBytes: 32 * 1024 * 1024,
  /** Largest HTTP JSON body, in bytes. */
  httpBody: 64 * 1024,
  /** Largest file a visitor or an agent may send, in bytes (`413` past it). */
  fileBytes: 10 * 1024 * 1024,
  /** Files one message may carry. */
  attachmentsPerMessage: 10,
  /** Longest file name kept, in characters (longer names are shortened, keeping the extension). */
  fileName: 200,
  /** Images: shown inline as thumbnails. */
  imageTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  /** Other files people may send; they are always downloaded, never shown inline. Anything else is `415`. */
  documentTypes: [
    'application/pdf',
    'text/plain',
    'text/csv',
    'application/zip',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
} as const

export const MessageKind = {
  visitor: 'visitor',
  agent: 'agent',
  bot: 'bot',
  system: 'system',
} as const
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind]

/**
 * A file a message carries, as the server recorded it at upload. `url` is `/files/<id>/<name>` on
 * the server (relative: the widget prefixes its server's address); the random `id` is the capability.
 */
export interface Attachment {
  id: string
  name: string
  /** One of `Limits.imageTypes` or `Limits.documentTypes`. */
  type: string
  /** Bytes. */
  size: number
  url: string
}

/** The answer to `POST /api/files` and `POST /widget/files`. */
export type UploadResponse = Attachment

/** One message of a conversation, as it sits in the `messages` Y.Array and as the widget receives it. */
export interface ChatMessage {
  id: string
  clientId: string
  kind: MessageKind
  authorId: string
  authorName: string
  text: string
  /** Epoch milliseconds; the author's clock. Metrics use the server's time from the event log. */
  at: number
  attachments?: Attachment[]
  /** Lines for agents only (e.g. "Snoozed until 9:00"); never sent to the visitor. */
  internal?: boolean
  /** In notes: the agents mentioned with @, by id; each is notified. */
  mentions?: string[]
  /** A bot's question: the answers offered as buttons (the widget sends the label, with `choice: value`). */
  buttons?: { label: string; value: string }[]
}

export const ConversationStatus = {
  waiting: 'waiting',
  open: 'open',
  snoozed: 'snoozed',
  closed: 'closed',
} as const
export type ConversationStatus = (typeof ConversationStatus)[keyof typeof ConversationStatus]

export const Channel = {
  widget: 'widget',
  telegram: 'telegram',
  whatsapp: 'whatsapp',
  email: 'email',
} as const
export type Channel = (typeof Channel)[keyof typeof Channel]

export interface PageInfo {
  url: string
  title: string
}

export interface VisitorUser {
  name?: string
  email?: string
  /**
   * Identity verification: hex HMAC-SHA256 of the lower-cased email, keyed with the workspace's
   * identity secret (`GET /api/workspace/identity-secret`), computed by the site's backend. When it
   * verifies, the visitor is that email on every device; without it the email merges nothing.
   */
  hash?: string
}

// ---- Widget socket: visitor → server ---------------------------------------------------------

export const FromWidgetType = {
  hello: 'hello',
  message: 'message',
  page: 'page',
  typing: 'typing',
  read: 'read',
  form: 'form',
  rating: 'rating',
  attributes: 'attributes',
  invite: 'invite',
  engage: 'engage',
  track: 'track',
} as const

export interface WidgetHello {
  type: 'hello'
  workspace: string
  visitorToken: string | null
  /** `referrer`: the host page's `document.referrer` (where the visitor came from), when it has one. */
  page?: PageInfo & { referrer?: string }
  user?: VisitorUser
  /**
   * The loader's socket, before (or without) the chat: it only tells the server the visitor is on
   * this page (supervisors' "visitors on the site now"). The welcome carries no history, nothing
   * else is sent to it, and it may send only `page` frames.
   */
  presence?: boolean
}
export interface WidgetSend {
  type: 'message'
  clientId: string
  /** May be empty when the message carries files. */
  text: string
  /** Ids of files this visitor uploaded to `/widget/files`. */
  attachments?: string[]
  /** The value of the bot's button the visitor clicked (`text` is its label). */
  choice?: string
}
export interface WidgetPage {
  type: 'page'
  url: string
  title: string
}
export interface WidgetTyping {
  type: 'typing'
}
export interface WidgetRead {
  type: 'read'
  upTo: string
}
export interface WidgetForm {
  type: 'form'
  /** `prechat`: the data-collection form before the first message (the default); `request`: the request form. */
  kind?: 'prechat' | 'request'
  fields: Record<string, string>
}
export interface WidgetRating {
  type: 'rating'
  conversationId: string
  /** CSAT is 1–5, NPS 0–10. */
  kind?: 'csat' | 'nps'
  score: number
  comment?: string
}
/** Custom fields for the agent's client card (`Parley.setAttributes`). */
export interface WidgetAttributes {
  type: 'attributes'
  values: Record<string, string>
}
/** What the visitor did with a proactive invitation. */
export interface WidgetInvite {
  type: 'invite'
  action: 'shown' | 'accepted' | 'refused'
}
/** The launch criterion was met in proactive-without-invite mode: agents are alerted of the visitor. */
export interface WidgetEngage {
  type: 'engage'
}
/** `Parley.track(name, payload)`: an event of the host page, for proactive rules. */
export interface WidgetTrack {
  type: 'track'
  name: string
  payload?: Record<string, string | number | boolean>
}
export type FromWidget =
  | WidgetHello
  | WidgetSend
  | WidgetPage
  | WidgetTyping
  | WidgetRead
  | WidgetForm
  | WidgetRating
  | WidgetAttributes
  | WidgetInvite
  | WidgetEngage
  | WidgetTrack

// ---- Widget socket: server → visitor ---------------------------------------------------------

export interface WidgetWelcome {
  type: 'welcome'
  protocol: number
  visitorToken: string
  visitorId: string
  /** Every message of the visitor's conversations, oldest first. */
  history: WidgetHistoryMessage[]
  /** How the widget looks and behaves (settings › widget); absent from older servers. */
  config?: import('./widgetConfig.ts').PublicWidgetConfig
  /** Whether someone can answer now; when not, the visitor writes asynchronously or, with `requestForm`, fills the request form. */
  availability?: { online: boolean; requestForm: boolean }
  /** The visitor's conversation that is open now, if any, with whether the pre-chat form was answered. */
  current?: { conversationId: string; status: ConversationStatus } | null
  /** Whether this visitor already answered the pre-chat form. */
  formDone?: boolean
}
/** An agent is typing in the visitor's conversation (or stopped). */
export interface WidgetAgentTyping {
  type: 'typing'
  conversationId: string
  typing: boolean
  /** The agent's display name (or the department's). */
  name: string
}
/** The agents have read the visitor's messages up to this one. */
export interface WidgetAgentRead {
  type: 'read'
  conversationId: string
  upTo: string
}
/** The conversation closed: ask for a rating as configured. */
export interface WidgetSurvey {
  type: 'survey'
  conversationId: string
  csat: boolean
  nps: boolean
  comment: boolean
}
/** A form, rating or attributes frame was stored. */
export interface WidgetSaved {
  type: 'saved'
  what: 'form' | 'rating' | 'attributes'
  /** The request form's answers became this conversation (a request agents find in their queue). */
  conversationId?: string
}
export interface WidgetAck {
  type: 'ack'
  clientId: string
  id: string
  conversationId: string
}
export interface WidgetIncoming {
  type: 'message'
  conversationId: string
  message: WidgetHistoryMessage
}
export interface WidgetQueue {
  type: 'queue'
  /** 1 for the next to be served; 0 when the visitor no longer waits. */
  position: number
  /** Estimated wait; null when nobody who could answer is online. */
  waitSeconds: number | null
}
export interface WidgetError {
  type: 'error'
  code: WidgetErrorCode
  message: string
  /** The message the error is about, when it is about one. */
  clientId?: string
}
export type ToWidget =
  | WidgetWelcome
  | WidgetAck
  | WidgetIncoming
  | WidgetQueue
  | WidgetError
  | WidgetAgentTyping
  | WidgetAgentRead
  | WidgetSurvey
  | WidgetSaved

/** What a visitor sees of a message: no internal identifiers of agents beyond their display name. */
export type WidgetHistoryMessage = Omit<ChatMessage, 'authorId'> & { conversationId: string }

export const WidgetErrorCode = {
  badRequest: 'bad_request',
  unknownType: 'unknown_type',
  notHello: 'hello_required',
  unknownWorkspace: 'unknown_workspace',
  badToken: 'bad_token',
  tooLarge: 'too_large',
  tooMany: 'too_many',
  /** The business blocked this visitor: their messages are refused. */
  blocked: 'blocked',
  /** A message named a file that is not this visitor's upload: refused for good. */
  badFile: 'bad_file',
  /** The routing group holds its maximum of conversations: try again later. */
  full: 'full',
  internal: 'internal',
} as const
export type WidgetErrorCode = (typeof WidgetErrorCode)[keyof typeof WidgetErrorCode]

// ---- Agent live socket (/api/live): server → app ---------------------------------------------

export interface LiveEvents {
  type: 'events'
  events: LogEvent[]
  last: number
}
export interface LiveHello {
  type: 'hello'
  protocol: number
  last: number
}
export type ToLive = LiveHello | LiveEvents

/**
 * App → server on `/api/live?credit=1`: everything up to `last` is stored on the device. The server
 * sends the backlog only so far ahead of it (`LIVE_CREDIT_EVENTS`), so a device that stores more
 * slowly than the network brings never holds more than that many unstored events in memory.
 */
export interface LiveStored {
  type: 'stored'
  last: number
}
export type FromLive = LiveStored

/** How far (in events) the backlog may run ahead of what the app said it stored: four of the server's 5,000-event frames. */
export const LIVE_CREDIT_EVENTS = 20_000

/** Whether a frame from the app is a `stored` acknowledgement. */
export function isLiveStored(v: unknown): v is LiveStored {
  return typeof v === 'object' && v !== null && (v as LiveStored).type === 'stored' && Number.isSafeInteger((v as LiveStored).last) && (v as LiveStored).last >= 0
}

/** One entry of the workspace's event log (DESIGN §3.2). */
export interface LogEvent {
  seq: number
  type: EventType
  /** Server time, epoch milliseconds. */
  at: number
  conversationId?: string
  data: Record<string, unknown>
}

export const EventType = {
  conversationCreated: 'conversation.created',
  message: 'message',
  statusChanged: 'conversation.status',
  assigned: 'conversation.assigned',
  transferred: 'conversation.transferred',
  snoozed: 'conversation.snoozed',
  woke: 'conversation.woke',
  closed: 'conversation.closed',
  reopened: 'conversation.reopened',
  agentStatus: 'agent.status',
  /** An internal note was added; `data.mentions` lists the agents it mentions. */
  note: 'note',
  visitorBlocked: 'visitor.blocked',
  visitorUnblocked: 'visitor.unblocked',
  visitorOnline: 'visitor.online',
  visitorOffline: 'visitor.offline',
  /**
   * The visitor's name or email changed after their conversation began (pre-chat form, identity
   * at hello): `conversationId` is their current conversation, `data` has visitorId, visitorName,
   * visitorEmail, so that the inbox row and the search index learn them.
   */
  visitorUpdated: 'visitor.updated',
  /** A new conversation was routed: `data` has groupId, teamId, outcome, scriptId. */
  routed: 'conversation.routed',
  /** A conversation started waiting in a queue (`data.queue`, `data.groupId`). */
  queueJoined: 'queue.joined',
  /** A conversation stopped waiting: `data.reason` (assigned, taken…), `data.waitedMs`. */
  queueLeft: 'queue.left',
  /** The visitor rated their conversation: `data` has kind (csat | nps), score, comment. A second rating of a kind replaces the first. */
  rated: 'conversation.rated',
  /** A proactive invitation was shown to a visitor (`data.visitorId`, `data.pageUrl`). */
  proactiveShown: 'proactive.shown',
  /** The visitor accepted a proactive invitation. */
  proactiveAccepted: 'proactive.accepted',
  /** The visitor refused (closed) a proactive invitation. */
  proactiveRefused: 'proactive.refused',
  /** A proactive message's onset held for a visitor (`data.messageId`, `data.visitorId`). */
  proactiveMatched: 'proactive.matched',
  /** A matched proactive message was sent to the visitor (`data.messageId`, `data.visitorId`). */
  proactiveSent: 'proactive.sent',
  /** A matched proactive message was not sent: `data.reason` (out_of_hours, no_agents, no_slots, frequency). */
  proactiveSuppressed: 'proactive.suppressed',
  /** The visitor saw a proactive message (pop-up shown, badge opened, preview clicked). */
  proactiveOpened: 'proactive.opened',
  /** The visitor closed a proactive message. */
  proactiveDismissed: 'proactive.dismissed',
  /** The visitor's first message after a proactive message (`data.conversationId`). */
  proactiveReplied: 'proactive.replied',
  /**
   * A visitor met the launch criterion in proactive-without-invite mode: agents may start a chat
   * with them (`POST /api/visitors/<visitorId>/chat`). `data`: visitorId, visitorName, pageUrl, pageTitle, attributes.
   */
  visitorEngaged: 'visitor.engaged',
  /** The host page reported an event (`Parley.track`): `data` has visitorId, name, payload. */
  visitorTracked: 'visitor.tracked',
  /** The bot stored a visitor's answer: `data` has questionId, attribute, value. */
  botAnswered: 'bot.answered',
  /** The bot handed its conversation to the dispatcher: `data.groupId` (null: the workspace-wide queue). */
  botEscalated: 'bot.escalated',
  /** The bot stopped before handing over: an agent took the conversation (`data.reason`). */
  botStopped: 'bot.stopped',
  /**
   * An agent's first live app connection (`/api/live`) opened: they are signed in now (`data.agentId`).
   * Workspace-wide, no conversationId. Logged once however many tabs or devices follow.
   */
  agentConnected: 'agent.connected',
  /**
   * An agent's last live app connection closed (`data.agentId`); after a crash or restart the server
   * logs it at start for every agent the log left connected (`data.reason: 'restart'`).
   */
  agentDisconnected: 'agent.disconnected',
  /**
   * The survey was sent to the visitor's widget (at close, or owed and sent when they came back):
   * `data.visitorId`. The denominator of the survey response rate.
   */
  surveySent: 'survey.sent',
} as const
export type EventType = (typeof EventType)[keyof typeof EventType]

// ---- HTTP API --------------------------------------------------------------------------------

export const Role = { agent: 'agent', supervisor: 'supervisor', admin: 'admin' } as const
export type Role = (typeof Role)[keyof typeof Role]

export const AgentStatus = { online: 'online', away: 'away', offline: 'offline' } as const
export type AgentStatus = (typeof AgentStatus)[keyof typeof AgentStatus]

export interface PublicAgent {
  id: string
  email: string
  name: string
  role: Role
  groups: string[]
  workspace: string
  status: AgentStatus
}

export interface LoginResponse {
  token: string
  agent: PublicAgent
}

export interface EventsResponse {
  events: LogEvent[]
  last: number
}
