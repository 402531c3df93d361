/**
 * The embed loader, `/widget.js`: `<script src="…/widget.js" data-workspace="…" async>`.
 * Tiny on purpose (it runs on every page of the business's site): it defines exactly one global,
 * `window.Parley`, draws the launcher in a shadow root, runs the launch criterion, and loads the
 * chat (`/widget/chat.js`) only when it is needed: the visitor opens the box, an invitation is
 * due, the page calls `Parley.open()`, or the visitor has a conversation going (after idle).
 * This module exports nothing: an IIFE build with exports would add a second global.
 */
import { activationStep } from './activation.ts'
import type { ChatContext, ChatHandle, MountChat, ParleyEvent, ParleyEvents, VisitorIdentity } from './api.ts'
import { CallQueue } from './callQueue.ts'
import { findEmbedScript, readEmbedConfig } from './config.ts'
import { colorVars, createLauncher, LAUNCHER_CSS } from './launcher.ts'
import type { LauncherConfig } from './launcherConfig.ts'
import { readLauncherConfig } from './launcherConfig.ts'
import { announcePresence } from './presence.ts'

/** The host page's handle on the widget. */
interface ParleyApi {
  open(): void
  close(): void
  toggle(): void
  setUser(user: VisitorIdentity): void
  setAttributes(values: Record<string, string>): void
  track(name: string, payload?: Record<string, string | number | boolean>): void
  /** Subscribes to 'message' | 'unread' | 'open' | 'close'; returns a function that unsubscribes. */
  on<E extends ParleyEvent>(event: E, fn: (payload: ParleyEvents[E]) => void): () => void
}

/**
 * A returning visitor's chat loads this long after the page settles at the latest: soon enough to
 * show an answer that arrived while away, late enough not to compete with the page's own loading.
 */
const IDLE_LOAD_TIMEOUT_MS = 3_000

// Must run synchronously at load: currentScript is null once the top level has returned.
const script = findEmbedScript()
const w = window as unknown as { Parley?: ParleyApi }

if (w.Parley) {
  // The snippet pasted twice (or a SPA re-inserting it) must not open a second socket and launcher.
  console.warn('[parley] widget already loaded; ignoring this copy')
} else {
  const started = Date.now()
  const embed = readEmbedConfig(script)
  const key = (k: string) => `parley:${embed.workspace}:${k}`
  const get = (k: string, s: Storage | null = local()) => {
    try {
      return s ? s.getItem(key(k)) : null
    } catch {
      return null
    }
  }
  const set = (k: string, v: string | null, s: Storage | null = local()) => {
    try {
      if (s) v === null ? s.removeItem(key(k)) : s.setItem(key(k), v)
    } catch {
      // Storage full or revoked: only persistence across pages is lost.
    }
  }

  const listeners: { [E in ParleyEvent]: Set<(p: ParleyEvents[E]) => void> } = { message: new Set(), unread: new Set(), open: new Set(), close: new Set() }
  const emit = <E extends ParleyEvent>(event: E, payload: ParleyEvents[E]) => {
    for (const fn of Array.from(listeners[event])) {
      try {
        ;(fn as (p: ParleyEvents[E]) => void)(payload)
      } catch (err) {
        // A bug in the host page's listener must not break the chat.
        console.error('[parley] listener failed', err)
      }
    }
  }

  let raw: unknown = readJson(get('config'))
  let config: LauncherConfig = readLauncherConfig(raw)
  const host = document.createElement('parley-widget')
  const root = host.attachShadow({ mode: 'open' })
  const style = document.createElement('style')
  style.textContent = LAUNCHER_CSS
  const vars = document.createElement('style')
  const frame = document.createElement('div')
  frame.className = 'frame'
  root.append(style, vars, frame)

  const queue = new CallQueue<ChatHandle>()
  let chat: ChatHandle | null = null
  let loading = false
  const toggle = () => (chat ? chat.setOpen(!chat.open, true) : withChat((c) => c.setOpen(true, true)))
  const launcher = embed.pageMode ? null : createLauncher(frame, () => toggle())

  const apply = (r: unknown) => {
    const c = (config = readLauncherConfig((raw = r)))
    vars.textContent = colorVars(c.colors)
    frame.setAttribute('data-position', c.position)
    launcher?.apply(c)
    chat?.applyConfig(r)
  }
  apply(raw)
  launcher?.setUnread(Number(get('unread')) || 0)

  const ctx: ChatContext = {
    embed,
    frame,
    launcher: launcher?.button ?? null,
    get config() {
      return raw
    },
    setUnread: (n) => launcher?.setUnread(n),
    setOpen: (o) => launcher?.setOpen(o),
    emit,
    setActive: (a) => set('active', a ? '1' : null),
  }

  let failures = 0
  function load(): void {
    if (loading) return
    loading = true
    // A failed module fetch stays failed for this page under its address: a retry needs a new one.
    const url = `${embed.serverUrl}/widget/chat.js${failures ? `?retry=${failures}` : ''}`
    import(/* @vite-ignore */ url).then(
      (m: { mount: MountChat }) => {
        // A task of its own: the bundle's evaluation and the box's first render stay two short tasks, not one long one.
        setTimeout(() => {
          chat = m.mount(ctx)
          queue.ready(chat)
        })
      },
      (err) => {
        // Offline, or the server is down: the next click tries again.
        loading = false
        failures++
        console.error('[parley] could not load the chat', err)
      },
    )
  }

  /** Runs `call` on the chat, loading it first if needed. */
  const withChat = (call: (c: ChatHandle) => void) => {
    queue.push(call)
    load()
  }

  const mount = () => {
    if (!host.isConnected) document.body.appendChild(host)
  }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount, { once: true })

  // A conversation going, an unread answer, a message waiting to go, or agents alerted of this visit
  // (one of them may write first): the chat should be connected on this page too.
  const active = !!(get('active') || get('unread') || (get('outbox') || '[]') !== '[]' || get('engaged', session()))
  if (embed.pageMode || embed.openAtStart) {
    withChat((c) => c.setOpen(true, false))
  } else if (active) {
    // A returning visitor: load the chat once the page is idle, so an answer shows up (unread count).
    const idle = (window as { requestIdleCallback?: (fn: () => void, o: { timeout: number }) => void }).requestIdleCallback
    idle ? idle(load, { timeout: IDLE_LOAD_TIMEOUT_MS }) : setTimeout(load, IDLE_LOAD_TIMEOUT_MS)
  }

  // On the site's visitors list from the page's load (the full-page chat and an open box say hello themselves).
  if (!embed.pageMode && !embed.openAtStart && !embed.preview)
    announcePresence(
      embed.socketUrl,
      () => ({
        type: 'hello',
        workspace: embed.workspace,
        visitorToken: get('token'),
        presence: true,
        page: { url: location.href.slice(0, 2048), title: document.title.slice(0, 512), referrer: document.referrer.slice(0, 2048) },
        user: { name: embed.userName?.slice(0, 200), email: embed.userEmail?.slice(0, 320), hash: embed.userHash?.slice(0, 128) },
      }),
      (t) => set('token', t),
      // An agent started a chat with this visitor: the box opens with their message (once the chat is loaded it has its own socket).
      () => chat || withChat((c) => c.setOpen(true, false)),
    )

  if (embed.preview) {
    // The admin's live preview: the settings page (same origin, our parent) posts configurations.
    window.addEventListener('message', (e: MessageEvent) => {
      const d = e.data as { type?: unknown; config?: unknown; open?: unknown; invite?: unknown } | null
      if (e.origin !== location.origin || e.source !== window.parent || !d || d.type !== 'parley:preview') return
      apply(d.config)
      // `invite: true` shows the invitation, `open` opens or closes the box (closing loads nothing).
      const open = d.open
      if (d.invite === true) withChat((c) => c.invite())
      else if (open === true || (open === false && chat)) withChat((c) => c.setOpen(open, false))
    })
  } else {
    const activate = () => {
      const step = activationStep(config.activation, {
        refused: get('refused') === '1',
        engaged: get('engaged', session()) === '1',
        active,
        passive: embed.pageMode,
        elapsedMs: Date.now() - started,
      })
      if (step.action === 'none') return
      setTimeout(() => {
        if (chat?.open) return
        if (step.action === 'engage') set('engaged', '1', session())
        withChat((c) => (step.action === 'invite' ? c.invite() : c.engage()))
      }, step.afterMs)
    }
    // The workspace's configuration, fresh; the copy from the last page paints the launcher meanwhile.
    fetch(`${embed.serverUrl}/widget/config?workspace=${encodeURIComponent(embed.workspace)}`)
      .then((r) => (r.ok ? r.json() : null))
      .then((body: { config?: unknown } | null) => {
        if (body?.config) {
          set('config', JSON.stringify(body.config))
          apply(body.config)
        }
      })
      .catch(() => {})
      .then(activate)
  }

  w.Parley = {
    open: () => withChat((c) => c.setOpen(true, true)),
    close: () => queue.push((c) => c.setOpen(false, false)),
    toggle,
    setUser: (u) => {
      const user = typeof u === 'object' && u ? u : {}
      // Kept for the hello of a chat that loads later; a loaded chat says hello again.
      embed.userName = typeof user.name === 'string' ? user.name : undefined
      embed.userEmail = typeof user.email === 'string' ? user.email : undefined
      embed.userHash = typeof user.hash === 'string' ? user.hash : undefined
      chat?.setUser(user)
    },
    setAttributes: (values) => queue.push((c) => c.setAttributes(values)),
    track: (name, payload) => queue.push((c) => c.track(name, payload)),
    on: (event, fn) => {
      const set = listeners[event] as Set<typeof fn> | undefined
      if (!set || typeof fn !== 'function') {
        console.warn(`[parley] on(): unknown event "${String(event)}" or missing handler`)
        return () => {}
      }
      set.add(fn)
      return () => void set.delete(fn)
    },
  }
}

function readJson(raw: string | null): unknown {
  try {
    return raw ? JSON.parse(raw) : undefined
  } catch {
    return undefined
  }
}

/** localStorage, or null where touching it throws (sandboxed iframes, blocked cookies). */
function local(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}
function session(): Storage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}
