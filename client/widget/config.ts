/** What the embedding `<script>` tag tells the widget. */
export interface EmbedConfig {
  workspace: string
  userName?: string
  userEmail?: string
  /** The host's HMAC of the visitor's identity (`data-user-hash`), sent in hello so the server can trust name and email. */
  userHash?: string
  /** `ws(s)://…/widget/ws` on the server that served the script. */
  socketUrl: string
  /** `http(s)://…` of that server (with its path prefix, if any): files are uploaded and served there. */
  serverUrl: string
  openAtStart: boolean
  /** `data-mode="page"`: the chat fills the page, no launcher (the full-page chat at `/chat/<workspace>`). */
  pageMode: boolean
  /** `data-preview="1"`: the admin's live preview, configured by `postMessage` from the parent page. */
  preview: boolean
}

/**
 * `document.currentScript` is only set while the script's top level runs, so the entry file
 * must call this synchronously at load. The fallback covers loaders that inject the script in
 * a way that leaves currentScript null (e.g. some tag managers).
 */
export function findEmbedScript(): HTMLScriptElement | null {
  const current = document.currentScript
  if (current instanceof HTMLScriptElement) return current
  return document.querySelector<HTMLScriptElement>('script[src*="widget.js"][data-workspace]')
}

export function readEmbedConfig(script: HTMLScriptElement | null): EmbedConfig {
  const data = script?.dataset ?? {}
  const socketUrl = socketUrlFor(script?.src || location.href, data.server)
  const config: EmbedConfig = {
    workspace: data.workspace || 'default',
    socketUrl,
    serverUrl: socketUrl.replace(/^ws/, 'http').replace(/\/widget\/ws$/, ''),
    openAtStart: data.open === 'true',
    pageMode: data.mode === 'page',
    preview: data.preview === '1' || data.preview === 'true',
  }
  if (data.userName) config.userName = data.userName
  if (data.userEmail) config.userEmail = data.userEmail
  if (data.userHash) config.userHash = data.userHash
  return config
}

/**
 * The socket lives next to the script: `https://host/widget.js` → `wss://host/widget/ws`, and
 * behind a proxy prefix `https://host/chat/widget.js` → `wss://host/chat/widget/ws`.
 * `data-server="https://…"` overrides this for scripts served from a CDN.
 */
export function socketUrlFor(scriptSrc: string, server?: string): string {
  const url = new URL(server || scriptSrc, location.href)
  const dir = server ? url.pathname.replace(/\/+$/, '') : url.pathname.replace(/\/[^/]*$/, '')
  const protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:'
  return `${protocol}//${url.host}${dir}/widget/ws`
}
