/**
 * The view an agent was last on, remembered per agent on this device. The installed app always
 * starts at `/` (the manifest's start_url), so without this a launch, offline above all, would
 * land on the inbox rather than the conversation the agent was in.
 */
import { createEffect, on } from 'solid-js'
import { parseRoute, type Route, type Router } from './router.tsx'
import type { Workspace } from './workspace.tsx'

const keyOf = (ws: Workspace) => `parley.${ws.session.agent.workspace}.${ws.session.agent.id}.lastPath`

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null /* storage blocked: the inbox it is */
  }
}

/** Whether the route may be reopened: a conversation only while this device still lists it for the agent. */
async function canReopen(ws: Workspace, route: Route): Promise<boolean> {
  switch (route.name) {
    case 'conversation':
      return (await ws.db.conversations.get(route.id)) !== undefined
    case 'settings':
    case 'supervision':
    case 'reports':
      return true
    case 'inbox':
    case 'notFound':
      return false
  }
}

/**
 * Keeps the current path as the agent's last view and, when `restore` (the app was just launched
 * at `/` already signed in), goes back to the one kept before. Only then: a later click on the
 * inbox stays on the inbox. Must run inside a reactive owner.
 */
export function rememberLastView(ws: Workspace, router: Router, restore: boolean): void {
  const key = keyOf(ws)
  const saved = restore && router.route().name === 'inbox' ? read(key) : null
  if (saved && saved !== '/') {
    void canReopen(ws, parseRoute(saved.split('?')[0]!))
      .then((ok) => {
        // The agent may have gone somewhere already while the check ran: theirs is the last word.
        if (ok && router.route().name === 'inbox') router.navigate(saved, { replace: true })
      })
      .catch(() => {})
  }
  createEffect(
    on([router.path, router.search], ([path, search]) => {
      if (parseRoute(path).name === 'notFound') return
      try {
        // With its query: a report reopens on the period and filters it showed.
        localStorage.setItem(key, path + search)
      } catch {
        /* as above */
      }
    }),
  )
}
