import type { LauncherConfig } from './launcherConfig.ts'

/**
 * The loader's stylesheet: the frame, the colour variables' defaults and the launcher. The chat
 * bundle adds the box's own. `:host { all: initial }` stops the page's inherited styles (fonts,
 * colours, line heights) from leaking in; the page's selectors cannot reach inside at all.
 */
export const LAUNCHER_CSS = `
:host{all:initial}
.frame{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2430}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
:focus{outline:none}
:focus-visible{outline:3px solid #f59f00;outline-offset:2px}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;height:56px;min-width:56px;border-radius:28px;border:0;padding:0 16px;cursor:pointer;background:var(--accent);color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;gap:8px;font:600 15px/1 inherit}
.frame[data-position=left] .launcher{right:auto;left:20px}
.launcher svg{width:26px;height:26px;flex:none}
.launcher:hover{filter:brightness(1.1)}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#e03131;color:#fff;border:2px solid #fff;font-size:12px;font-weight:700;line-height:18px;text-align:center}
@media (max-width:480px){.launcher .label{display:none}.launcher{padding:0}}
`

const ICON_CHAT =
  '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>'

/** The colour variables for one configuration; the parser only lets `#rgb`/`#rrggbb` through, so this cannot inject CSS. */
export function colorVars(c: LauncherConfig['colors']): string {
  return `.frame{--accent:${c.accent};--agent-bg:${c.agentBubble};--agent-fg:${c.agentText};--visitor-bg:${c.visitorBubble};--visitor-fg:${c.visitorText}}`
}

export interface Launcher {
  button: HTMLButtonElement
  apply(config: LauncherConfig): void
  setUnread(count: number): void
  setOpen(open: boolean): void
}

/** The round button in the corner, with the page's words and the unread count. */
export function createLauncher(frame: HTMLElement, onClick: () => void): Launcher {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'launcher'
  button.setAttribute('data-testid', 'parley-launcher')
  button.setAttribute('aria-expanded', 'false')
  button.setAttribute('aria-controls', 'panel')
  button.innerHTML = `${ICON_CHAT}<span class="label"></span><span class="badge" id="unread" data-testid="parley-unread" hidden></span>`
  const label = button.querySelector('.label') as HTMLElement
  const badge = button.querySelector('.badge') as HTMLElement
  let text = ''
  let open = false
  const name = () => button.setAttribute('aria-label', open ? 'Close chat' : text ? `Open chat: ${text}` : 'Open chat')
  button.addEventListener('click', onClick)
  frame.appendChild(button)
  return {
    button,
    apply(config) {
      text = config.launcherText
      label.textContent = text
      label.hidden = !text
      name()
    },
    setUnread(count) {
      badge.textContent = count > 99 ? '99+' : String(count)
      badge.setAttribute('aria-label', `${count} unread ${count === 1 ? 'message' : 'messages'}`)
      badge.hidden = count <= 0
      // Only point at the badge while it says something; a hidden "0" would still be read out.
      if (count > 0) button.setAttribute('aria-describedby', 'unread')
      else button.removeAttribute('aria-describedby')
    },
    setOpen(o) {
      open = o
      button.setAttribute('aria-expanded', String(o))
      name()
    },
  }
}
