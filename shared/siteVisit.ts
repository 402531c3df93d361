/**
 * The visit model behind "visitors on the site now": when a visit starts, which page changes it
 * counts, and whether the visitor is returning. Pure: the server calls it with its clock.
 */

/**
 * A visit ends after this long without any widget socket. Thirty minutes of inactivity is the
 * session boundary web analytics settled on (Google Analytics, Matomo): a visitor who reads
 * another tab for ten minutes, or whose phone drops the network, is still on the same visit.
 */
export const VISIT_GAP_MS = 30 * 60_000

export interface Visit {
  startedAt: number
  /** Distinct page changes seen this visit. */
  pages: number
  /** The address of the last page seen, to tell a change from a reload or a second tab on the same page. */
  lastUrl: string
  /** Where the visitor came from when the visit started (`document.referrer`), '' when not told. */
  referrer: string
  returning: boolean
  /** When the visitor's last socket closed; null while one is open. */
  leftAt: number | null
}

export interface Arrival {
  now: number
  url: string
  referrer: string
  /** The visitor record was created by this very hello (a first-time visitor). */
  createdNow: boolean
}

/** Whether a remembered visit is over at `now` (the visitor has had no socket for the gap). */
export function visitEnded(visit: Visit, now: number): boolean {
  return visit.leftAt !== null && now - visit.leftAt >= VISIT_GAP_MS
}

/**
 * A widget socket said hello: the visit goes on (another tab, a new page, back within the gap) or a
 * new one starts. Returning: the record existed before this visit, or there was an earlier visit.
 */
export function arrive(prev: Visit | null, a: Arrival): Visit {
  if (prev && !visitEnded(prev, a.now)) {
    const changed = a.url !== prev.lastUrl
    return { ...prev, pages: prev.pages + (changed ? 1 : 0), lastUrl: a.url, leftAt: null }
  }
  return { startedAt: a.now, pages: 1, lastUrl: a.url, referrer: a.referrer, returning: prev !== null || !a.createdNow, leftAt: null }
}

/** A `page` frame: counts when the address differs from the last page seen. */
export function pageSeen(visit: Visit, url: string): Visit {
  if (url === visit.lastUrl) return visit
  return { ...visit, pages: visit.pages + 1, lastUrl: url }
}

/** The visitor's last socket closed at `now`: the visit is remembered for the gap. */
export function depart(visit: Visit, now: number): Visit {
  return { ...visit, leftAt: now }
}
