/** Offers the new version of the app when the service worker has one waiting. */
import { Show } from 'solid-js'
import { useRegisterSW } from 'virtual:pwa-register/solid'

/** How often an open app asks the server for a new version: long-lived tabs still get updates. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000

export function UpdateBanner() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (!registration) return
      setInterval(() => {
        if (navigator.onLine !== false) void registration.update().catch(() => {})
      }, UPDATE_CHECK_INTERVAL_MS)
    },
    onRegisterError(err) {
      console.error('[sw] registration failed', err)
    },
  })
  const reloadIntoUpdate = () => {
    // The plugin reloads only when the page had a controller when it registered; a tab opened on the
    // first visit had none, so reload on the switch of worker ourselves.
    navigator.serviceWorker?.addEventListener('controllerchange', () => window.location.reload(), { once: true })
    void updateServiceWorker(true)
  }
  return (
    <Show when={needRefresh()}>
      <div class="update-banner" role="status" data-testid="update-banner">
        <span>A new version is available</span>
        <button type="button" class="button button-primary" onClick={reloadIntoUpdate}>
          Reload
        </button>
        <button type="button" class="button button-quiet" aria-label="Not now" title="Not now" onClick={() => setNeedRefresh(false)}>
          ×
        </button>
      </div>
    </Show>
  )
}
