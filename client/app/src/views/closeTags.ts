/** Which tags the close dialog offers. */

/** The tags offered while the workspace has none of its own (Settings › Tags), so a fresh one still works. */
export const STARTER_TAGS = ['sales', 'support', 'billing', 'bug', 'feedback'] as const

/**
 * The tags to offer: the workspace's, or the starter list while it has none, then those already on
 * the conversation (a tag since renamed or deleted stays removable). `undefined` while the settings
 * are still loading: only the conversation's tags then, so the starter list does not flash by.
 */
export function offeredTags(workspaceTags: readonly string[] | undefined, onConversation: readonly string[]): string[] {
  const base = workspaceTags === undefined ? [] : workspaceTags.length ? workspaceTags : STARTER_TAGS
  return [...new Set([...base, ...onConversation])]
}
