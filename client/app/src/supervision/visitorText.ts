/** How the visitors list words a visitor's facts. */

/** Where a visit came from, said short: the referring site's host, or "Direct" when the page was not told one. */
export function cameFrom(referrer: string): string {
  if (!referrer) return 'Direct'
  try {
    const url = new URL(referrer)
    // Only web addresses name a site; anything else (an app's own scheme) says nothing useful.
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host ? url.host : 'Direct'
  } catch {
    return 'Direct'
  }
}
