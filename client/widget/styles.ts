/** The default accent; white text on it has a contrast ratio above 5:1 (WCAG AA). */
const ACCENT = 'var(--accent, #3b5bdb)'

/**
 * The chat box's stylesheet, scoped by the shadow root; the loader's (launcher.ts) sets the base
 * (`:host { all: initial }`, the font) and the colour variables from the workspace's settings.
 */
export const WIDGET_CSS = `
button, textarea, input, select { font: inherit; color: inherit; }

.panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483000;
  width: 370px; height: min(600px, calc(100vh - 108px)); max-height: calc(100vh - 108px);
  display: flex; flex-direction: column; overflow: hidden;
  background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0, 0, 0, .25);
}
.frame[data-position="left"] .panel { right: auto; left: 20px; }
.panel.page { top: 0; left: 0; right: 0; bottom: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; box-shadow: none; }
.avatar { width: 32px; height: 32px; border-radius: 50%; object-fit: cover; flex: none; background: #fff; }
.header .title { flex: 1; }
.header {
  display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 12px 12px 12px 16px; background: ${ACCENT}; color: #fff;
}
.title { margin: 0; font-size: 16px; font-weight: 600; }
.icon-button {
  width: 36px; height: 36px; border: 0; border-radius: 8px; padding: 0; cursor: pointer;
  background: transparent; color: inherit; display: flex; align-items: center; justify-content: center;
}
.icon-button svg { width: 20px; height: 20px; }
.header .icon-button:hover { background: rgba(255, 255, 255, .15); }
.header :focus-visible { outline-color: #fff; }

.status {
  margin: 0; padding: 4px 16px; font-size: 12px; color: #495057; background: #f1f3f5;
  display: flex; align-items: center; gap: 6px;
}
.status::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #adb5bd; flex: none; }
.status[data-status="online"]::before { background: #2f9e44; }
.status[data-status="offline"] { background: #fff4e6; color: #7a4100; }
.status[data-status="offline"]::before { background: #e8590c; }

.messages {
  flex: 1; overflow-y: auto; overscroll-behavior: contain; padding: 12px;
  display: flex; flex-direction: column; gap: 8px; background: #fff;
}
.welcome {
  margin: 0; padding: 10px 12px; border-radius: 10px; background: #f1f3f5; color: #343a40;
}
.msg { display: flex; flex-direction: column; max-width: 85%; align-self: flex-start; }
.msg[data-kind="visitor"] { align-self: flex-end; align-items: flex-end; }
.msg[data-kind="system"] { align-self: center; max-width: 100%; }
.author { font-size: 12px; color: #495057; margin: 0 0 2px 4px; display: flex; align-items: center; gap: 6px; }
.msg-avatar { width: 20px; height: 20px; border-radius: 50%; object-fit: cover; }
.bubble {
  margin: 0; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap;
  overflow-wrap: anywhere; word-break: break-word;
  background: #f1f3f5; color: #1f2430; border-bottom-left-radius: 4px;
}
.msg[data-kind="agent"] .bubble { background: var(--agent-bg, #f1f3f5); color: var(--agent-fg, #1f2430); }
.msg[data-kind="visitor"] .bubble { background: var(--visitor-bg, #3b5bdb); color: var(--visitor-fg, #fff); border-radius: 14px 14px 4px 14px; }
.msg[data-kind="visitor"] .bubble a { color: inherit; }
.msg[data-kind="bot"] .bubble { background: #e7f5ff; }
.msg[data-kind="system"] .bubble { background: transparent; color: #495057; font-size: 13px; text-align: center; padding: 2px 8px; }
.bubble a { color: ${ACCENT}; text-decoration: underline; }
.files { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.choices { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.choice { font: inherit; font-size: 13px; padding: 6px 12px; border-radius: 999px; border: 1px solid ${ACCENT}; background: #fff; color: ${ACCENT}; cursor: pointer; }
.choice:hover:not(:disabled) { background: ${ACCENT}; color: #fff; }
.choice:focus-visible { outline: 2px solid ${ACCENT}; outline-offset: 2px; }
.retry { font: inherit; font-size: 12px; align-self: flex-end; margin-top: 2px; padding: 2px 0; border: 0; background: none; color: #b3261e; text-decoration: underline; cursor: pointer; }
.retry:focus-visible { outline: 2px solid ${ACCENT}; outline-offset: 2px; }
.choice:disabled { opacity: .5; cursor: default; }
.file { padding: 6px 10px; border-radius: 10px; background: #f1f3f5; color: ${ACCENT}; font-size: 14px; overflow-wrap: anywhere; }
.file img { display: block; max-width: 200px; max-height: 200px; min-width: 48px; min-height: 48px; object-fit: cover; border-radius: 10px; background: #f1f3f5; }
.file:has(img) { padding: 0; background: none; }
.msg[data-state="pending"] .bubble { opacity: .65; }
.msg[data-state="pending"]::after { content: "Sending\\2026"; font-size: 11px; color: #495057; margin: 2px 4px 0; }
.msg[data-kind="visitor"][data-read="true"]::after { content: "Read"; font-size: 11px; color: #495057; margin: 2px 4px 0; }
.notice { margin: 0; padding: 6px 16px; font-size: 13px; color: #495057; background: #f8f9fa; }
.typing { margin: 0; padding: 2px 16px 6px; font-size: 12px; color: #495057; font-style: italic; }

.slot { padding: 12px 16px; border-top: 1px solid #e9ecef; overflow-y: auto; max-height: 75%; }
.form { display: flex; flex-direction: column; gap: 10px; margin: 0; }
.form-intro { margin: 0; color: #343a40; }
.field { display: flex; flex-direction: column; gap: 4px; font-size: 14px; }
.field .req { color: #c92a2a; margin-left: 2px; }
.field input, .field textarea, .field select { padding: 8px 10px; border: 1px solid #868e96; border-radius: 8px; background: #fff; font-size: 16px; }
.field textarea { min-height: 72px; resize: vertical; }
.field [aria-invalid="true"] { border-color: #c92a2a; }
.field-error { color: #c92a2a; font-size: 13px; margin: 0; }
.primary { align-self: flex-start; padding: 9px 16px; border: 0; border-radius: 8px; cursor: pointer; background: ${ACCENT}; color: #fff; font-weight: 600; }
.secondary { padding: 9px 16px; border: 1px solid #868e96; border-radius: 8px; cursor: pointer; background: #fff; color: #1f2430; }
.row { display: flex; gap: 8px; flex-wrap: wrap; }
.thanks { margin: 0; padding: 10px 12px; border-radius: 10px; background: #ebfbee; color: #1b4d2b; }

.survey { align-self: stretch; margin: 4px 0; padding: 12px; border: 1px solid #dee2e6; border-radius: 10px; background: #f8f9fa; }
.survey fieldset { border: 0; margin: 0 0 8px; padding: 0; }
.survey legend { padding: 0; margin-bottom: 6px; font-size: 14px; }
.scale { display: flex; flex-wrap: wrap; gap: 4px; }
.scale button { min-width: 32px; height: 32px; padding: 0 6px; border: 1px solid #868e96; border-radius: 6px; background: #fff; color: #1f2430; cursor: pointer; }
.scale button[aria-pressed="true"] { background: ${ACCENT}; border-color: transparent; color: #fff; }
.survey textarea { width: 100%; min-height: 56px; padding: 6px 8px; border: 1px solid #868e96; border-radius: 8px; resize: vertical; margin-bottom: 8px; }

.invite {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 300px; max-width: calc(100vw - 40px);
  padding: 14px; border-radius: 12px; background: #fff; box-shadow: 0 8px 30px rgba(0, 0, 0, .25);
  display: flex; flex-direction: column; gap: 10px;
}
.frame[data-position="left"] .invite { right: auto; left: 20px; }
.invite.mini { width: auto; max-width: 260px; padding: 10px 12px; border-radius: 14px 14px 4px 14px; }
.invite p { margin: 0; }

.queue { margin: 0; padding: 6px 16px; font-size: 13px; color: #364fc7; background: #edf2ff; }
.wait { color: #495057; }
.error { margin: 0; padding: 6px 16px; font-size: 13px; color: #c92a2a; background: #fff5f5; }

.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid #e9ecef; }
.input {
  flex: 1; resize: none; min-height: 40px; max-height: 120px; padding: 9px 12px;
  border: 1px solid #ced4da; border-radius: 10px; background: #fff;
  /* 16px keeps iOS Safari from zooming the page when the field takes focus. */
  font-size: 16px; line-height: 1.3;
}
.input:focus-visible { outline: 2px solid ${ACCENT}; outline-offset: 0; border-color: ${ACCENT}; }
.send {
  width: 40px; height: 40px; border: 0; border-radius: 10px; cursor: pointer; flex: none;
  background: ${ACCENT}; color: #fff; display: flex; align-items: center; justify-content: center;
}
.send svg { width: 20px; height: 20px; }
.attach {
  position: relative; width: 40px; height: 40px; border-radius: 10px; cursor: pointer; flex: none;
  color: #495057; display: flex; align-items: center; justify-content: center;
}
.attach:hover { background: #f1f3f5; }
.attach svg { width: 22px; height: 22px; }
.attach:focus-within { outline: 3px solid #f59f00; outline-offset: 2px; }
.file-input { position: absolute; top: 0; left: 0; width: 100%; height: 100%; opacity: 0; cursor: pointer; }

@media (max-width: 480px) {
  .panel {
    top: 0; left: 0; right: 0; bottom: 0; width: 100%; height: 100%; max-height: none; border-radius: 0;
  }
  /* The panel covers the screen; its own close button takes over from the launcher. */
  .panel:not([hidden]) ~ .launcher, .launcher[aria-expanded="true"] { display: none; }
}
@media (prefers-reduced-motion: no-preference) {
  .panel { animation: parley-in .15s ease-out; }
  @keyframes parley-in { from { opacity: 0; transform: translateY(8px); } }
}
`
