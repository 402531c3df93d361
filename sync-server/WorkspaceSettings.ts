import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { Principal } from '../shared/permissions.ts'
import { principalOf, readSettings, type Settings } from '../shared/settings.ts'
import { DEFAULT_WIDGET_CONFIG, readWidgetConfig, type WidgetConfig } from '../shared/widgetConfig.ts'
import { DEFAULT_BOT_CONFIG, readBotConfig, type BotConfig } from '../shared/bot.ts'
import { readProactive, type StoredProactive } from '../shared/proactive/documents.ts'
import type { Room } from './rooms/Room.ts'
import type { RoomManager } from './rooms/RoomManager.ts'
import type { AgentRecord } from './store/Store.ts'

interface Entry {
  ready: Promise<Room>
  settings: Settings | null
  /** The widget's configuration (settings › widget), read with the rest. */
  widget: WidgetConfig
  /** The bot before routing (settings › bot), read with the rest. */
  bot: BotConfig
  /** The proactive messages (settings › proactive), read with the rest. */
  proactive: StoredProactive[]
  /** What permissions depend on (memberships, groups' rights, template editing), to tell when they change. */
  accessKey: string
  /** What the dispatcher reads (the widget's and bot's texts are not), to tell when it changes. */
  routingKey: string
}

/** The settings of a workspace whose document holds none yet. */
const EMPTY_SETTINGS: Settings = readSettings(new Y.Doc())

const accessKeyOf = (s: Settings) =>
  JSON.stringify([s.members.map((m) => [m.agentId, m.groups]), s.groups.map((g) => [g.id, g.access]), s.workspace.agentsEditTemplates])
const routingKeyOf = (s: Settings) => JSON.stringify([s.groups, s.members, s.skills, s.teams, s.hours, s.scripts, s.workspace])

/** Told of every change; `changed.access` when memberships or rights changed, `changed.routing` when what routing reads did. */
type Listener = (workspace: string, settings: Settings, changed: { access: boolean; routing: boolean }) => void

/**
 * Each workspace's `settings` document, held loaded while the server runs and read again on every
 * change, so that permission checks and the dispatcher read plain data without waiting.
 */
export class WorkspaceSettings {
  private entries = new Map<string, Entry>()
  private listeners = new Set<Listener>()

  constructor(
    private rooms: RoomManager,
    private log: Logger,
  ) {}

  /** The settings of a workspace, loading its document on first use. */
  async get(workspace: string): Promise<Settings> {
    let entry = this.entries.get(workspace)
    if (!entry) {
      const e: Entry = { ready: null as unknown as Promise<Room>, settings: null, widget: DEFAULT_WIDGET_CONFIG, bot: DEFAULT_BOT_CONFIG, proactive: [], accessKey: '', routingKey: '' }
      e.ready = this.rooms.hold(workspace, 'settings', { kind: 'settings' }).then((room) => {
        const refresh = () => {
          let next: Settings
          try {
            next = readSettings(room.doc)
          } catch (err) {
            this.log.error({ err, workspace }, 'could not read settings')
            // Keep what was read last; before that, a workspace with no settings yet.
            if (e.settings) return
            next = EMPTY_SETTINGS
          }
          try {
            e.widget = readWidgetConfig(room.doc)
          } catch (err) {
            this.log.error({ err, workspace }, 'could not read the widget configuration')
          }
          try {
            e.bot = readBotConfig(room.doc)
          } catch (err) {
            this.log.error({ err, workspace }, 'could not read the bot configuration')
          }
          try {
            e.proactive = readProactive(room.doc)
          } catch (err) {
            this.log.error({ err, workspace }, 'could not read the proactive messages')
          }
          const key = accessKeyOf(next)
          const routing = routingKeyOf(next)
          const changes = { access: e.settings !== null && key !== e.accessKey, routing: e.settings !== null && routing !== e.routingKey }
          e.settings = next
          e.accessKey = key
          e.routingKey = routing
          for (const fn of this.listeners) {
            // A listener's failure is its own: it must not fail the write that changed the settings.
            try {
              fn(workspace, next, changes)
            } catch (err) {
              this.log.error({ err, workspace }, 'a settings listener failed')
            }
          }
        }
        room.doc.on('update', refresh)
        refresh()
        return room
      })
      e.ready.catch(() => this.entries.delete(workspace))
      this.entries.set(workspace, (entry = e))
    }
    await entry.ready
    return entry.settings!
  }

  /** The widget configuration of a workspace (settings › widget), loading its document on first use. */
  async widget(workspace: string): Promise<WidgetConfig> {
    await this.get(workspace)
    return this.entries.get(workspace)?.widget ?? DEFAULT_WIDGET_CONFIG
  }

  /** The proactive messages of a workspace, drafts too, in the list's order (settings › proactive). */
  async proactive(workspace: string): Promise<StoredProactive[]> {
    await this.get(workspace)
    return this.entries.get(workspace)?.proactive ?? []
  }

  /** The bot configuration of a workspace (settings › bot), loading its document on first use. */
  async bot(workspace: string): Promise<BotConfig> {
    await this.get(workspace)
    return this.entries.get(workspace)?.bot ?? DEFAULT_BOT_CONFIG
  }

  /** The settings as last read, when the workspace's document is loaded. */
  peek(workspace: string): Settings | null {
    return this.entries.get(workspace)?.settings ?? null
  }

  /** Called after every change of a workspace's settings; returns the unsubscribe. */
  onChange(fn: Listener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** Edits a workspace's settings document as the server (memberships given at agent creation). */
  async change(workspace: string, fn: (doc: import('yjs').Doc) => void): Promise<void> {
    await this.get(workspace)
    const room = await this.entries.get(workspace)!.ready
    await room.change(fn)
  }

  /** An agent's permission view: account role, groups from their membership, rights from their groups. */
  async principalOf(agent: AgentRecord): Promise<Principal> {
    return principalOf(agent, await this.get(agent.workspace))
  }

  /** The same, from the settings as last read (before they load: the account alone). */
  principalNow(agent: AgentRecord): Principal {
    return principalOf(agent, this.peek(agent.workspace))
  }

  close(): void {
    for (const entry of this.entries.values()) void entry.ready.then((room) => this.rooms.release(room)).catch(() => {})
    this.entries.clear()
    this.listeners.clear()
  }
}

