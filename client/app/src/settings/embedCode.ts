/**
 * What an admin pastes into their site: the widget's script tag, with the optional lines that tell
 * the widget who the signed-in user is, and the address of the full-page chat.
 */

/** Escapes text for a double-quoted HTML attribute. */
const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The server's address without a trailing slash. */
const base = (origin: string) => origin.replace(/\/+$/, '')

/**
 * The script tag of the widget. With `identity`, placeholders show where the site's own server
 * puts the user's name, email and the hash of the email made with the workspace's identity secret.
 */
export function embedCode(origin: string, workspace: string, identity = false): string {
  const src = `${base(origin)}/widget.js`
  if (!identity) return `<script src="${attr(src)}" data-workspace="${attr(workspace)}" async></script>`
  return [
    `<script src="${attr(src)}" data-workspace="${attr(workspace)}"`,
    `  data-user-name="USER_NAME"`,
    `  data-user-email="USER_EMAIL"`,
    `  data-user-hash="HMAC_SHA256_OF_USER_EMAIL"`,
    `  async></script>`,
  ].join('\n')
}

/** The full-page chat of a workspace: a link for emails, social profiles and QR codes. */
export const chatUrl = (origin: string, workspace: string): string => `${base(origin)}/chat/${encodeURIComponent(workspace)}`

/** How the site's server computes the hash, in Node.js (the secret never goes in the page). */
export const HASH_EXAMPLE = `const hash = require('node:crypto')
  .createHmac('sha256', process.env.PARLEY_IDENTITY_SECRET)
  .update(user.email.trim().toLowerCase())
  .digest('hex')`
