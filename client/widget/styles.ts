/** Accent colour; white text on it has a contrast ratio above 5:1 (WCAG AA). */
const ACCENT = '#3b5bdb'

/**
 * The widget's whole stylesheet, scoped by its shadow root. `:host { all: initial }` stops the
 * host page's inherited styles (fonts, colours, line heights) from leaking in; the page's
 * selectors cannot reach inside at all.
 */
export const WIDGET_CSS = `
:host {
  all: initial;
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2430;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, textarea, input { font: inherit; color: inherit; }
:focus { outline: none; }
:focus-visible { outline: 3px solid #f59f00; outline-offset: 2px; }

.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 56px; height: 56px; border-radius: 50%; border: 0; padding: 0; cursor: pointer;
  background: ${ACCENT}; color: #fff;
  box-shadow: 0 4px 14px rgba(0, 0, 0, .25);
  display: flex; align-items: center; justify-content: center;
}
.launcher svg { width: 26px; height: 26px; }
.launcher:hover { filter: brightness(1.1); }
.badge {
  position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; background: #e03131; color: #fff; border: 2px solid #fff;
  font-size: 12px; font-weight: 700; line-height: 18px; text-align: center;
}

.panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483000;
  width: 370px; height: min(600px, calc(100vh - 108px)); max-height: calc(100vh - 108px);
  display: flex; flex-direction: column; overflow: hidden;
  background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0, 0, 0, .25);
}
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
.author { font-size: 12px; color: #495057; margin: 0 0 2px 4px; }
.bubble {
  margin: 0; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap;
  overflow-wrap: anywhere; word-break: break-word;
  background: #f1f3f5; color: #1f2430; border-bottom-left-radius: 4px;
}
.msg[data-kind="visitor"] .bubble { background: ${ACCENT}; color: #fff; border-radius: 14px 14px 4px 14px; }
.msg[data-kind="visitor"] .bubble a { color: #fff; }
.msg[data-kind="bot"] .bubble { background: #e7f5ff; }
.msg[data-kind="system"] .bubble { background: transparent; color: #495057; font-size: 13px; text-align: center; padding: 2px 8px; }
.bubble a { color: ${ACCENT}; text-decoration: underline; }
.files { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.file { padding: 6px 10px; border-radius: 10px; background: #f1f3f5; color: ${ACCENT}; font-size: 14px; overflow-wrap: anywhere; }
.file img { display: block; max-width: 200px; max-height: 200px; min-width: 48px; min-height: 48px; object-fit: cover; border-radius: 10px; background: #f1f3f5; }
.file:has(img) { padding: 0; background: none; }
.msg[data-state="pending"] .bubble { opacity: .65; }
.msg[data-state="pending"]::after { content: "Sending\\2026"; font-size: 11px; color: #495057; margin: 2px 4px 0; }

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
  .launcher[aria-expanded="true"] { display: none; }
}
@media (prefers-reduced-motion: no-preference) {
  .panel { animation: parley-in .15s ease-out; }
  @keyframes parley-in { from { opacity: 0; transform: translateY(8px); } }
}
`
