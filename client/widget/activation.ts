import type { ActivationMode } from '../../shared/widgetConfig.ts'

/** What the loader should do automatically on this page, and when. */
export type ActivationStep = { action: 'none' } | { action: 'invite' | 'engage'; afterMs: number }

export interface ActivationState {
  /** The visitor refused an invitation before (remembered per workspace). */
  refused: boolean
  /** `engage` was already sent during this visit (tab session). */
  engaged: boolean
  /** The visitor already has a conversation going: no invitation is needed. */
  active: boolean
  /** The full-page chat or the admin preview: nothing automatic. */
  passive: boolean
  /** Milliseconds the visitor has already spent on this page. */
  elapsedMs: number
}

/**
 * The launch criterion, as a pure decision: reactive does nothing; proactive modes act once
 * `delaySeconds` have passed on the page, unless the visitor already refused (invite), was already
 * engaged this visit (no invite), or is chatting already.
 */
export function activationStep(activation: { mode: ActivationMode; delaySeconds: number }, s: ActivationState): ActivationStep {
  if (s.passive || s.active || activation.mode === 'reactive') return { action: 'none' }
  if (activation.mode === 'proactiveInvite' && s.refused) return { action: 'none' }
  if (activation.mode === 'proactiveNoInvite' && s.engaged) return { action: 'none' }
  const afterMs = Math.max(0, activation.delaySeconds * 1000 - s.elapsedMs)
  return { action: activation.mode === 'proactiveInvite' ? 'invite' : 'engage', afterMs }
}
