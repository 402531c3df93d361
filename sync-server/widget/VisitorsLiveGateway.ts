import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import { seesEverything } from '../../shared/permissions.ts'
import { CloseCode } from '../../shared/protocol.ts'
import type { ToVisitorsLive } from '../../shared/supervision.ts'
import type { AgentRecord } from '../store/Store.ts'
import type { WorkspaceSettings } from '../WorkspaceSettings.ts'
import type { SiteVisitors } from './SiteVisitors.ts'

/**
 * Bytes a visitors socket may have waiting to be sent before it is cut: a supervisor's app that
 * stopped reading (a frozen tab) must not make the server hold every change of a busy site for it.
 * It reconnects and starts again from a snapshot.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024

/**
 * The supervisor's "visitors on the site now" at `/api/visitors/live?token=…`: a snapshot, then
 * every change, pushed (no polling). Only agents with the management right (and admins): the
 * socket of one who loses it is closed with 4403.
 */
export class VisitorsLiveGateway {
  private sockets = new Map<WebSocket, AgentRecord>()

  constructor(
    private site: SiteVisitors,
    private settings: WorkspaceSettings,
    private log: Logger,
  ) {}

  /** Whether the agent may watch the site's visitors (checked before the socket is opened). */
  async mayWatch(agent: AgentRecord): Promise<boolean> {
    return seesEverything(await this.settings.principalOf(agent))
  }

  accept(ws: WebSocket, agent: AgentRecord): void {
    const log = this.log.child({ workspace: agent.workspace, agent: agent.id })
    this.sockets.set(ws, agent)
    this.send(ws, { type: 'snapshot', visitors: this.site.snapshot(agent.workspace) })
    const unsubscribe = this.site.subscribe(agent.workspace, (frame) => this.send(ws, frame))
    ws.on('close', () => {
      unsubscribe()
      this.sockets.delete(ws)
    })
    ws.on('error', (err) => log.debug({ err }, 'visitors socket error'))
    // The app only listens; what it sends is ignored rather than trusted.
    ws.on('message', () => {})
  }

  /** The workspace's access rights changed: watchers who lost the management right are closed. */
  revalidateWorkspace(workspace: string): void {
    for (const [ws, agent] of this.sockets) {
      if (agent.workspace !== workspace) continue
      if (!seesEverything(this.settings.principalNow(agent))) ws.close(CloseCode.forbidden, 'no longer has the management right')
    }
  }

  private send(ws: WebSocket, frame: ToVisitorsLive): void {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate()
      return
    }
    ws.send(JSON.stringify(frame))
  }
}
