import type { FromWidget, WidgetSurvey } from '../../shared/protocol.ts'
import { buildSurvey } from './panels.ts'

/** The rating asked for a closed conversation, as configured; its answers go out through `send`. */
export function surveyBlock(f: WidgetSurvey, send: (frame: FromWidget) => void): HTMLElement {
  const conversationId = f.conversationId
  return buildSurvey({
    csat: f.csat,
    nps: f.nps,
    comment: f.comment,
    onSubmit: (r) => {
      const comment = r.comment ? { comment: r.comment } : {}
      if (r.csat !== null) send({ type: 'rating', conversationId, kind: 'csat', score: r.csat, ...comment })
      if (r.nps !== null) send({ type: 'rating', conversationId, kind: 'nps', score: r.nps, ...(r.csat === null ? comment : {}) })
    },
  })
}

/** The server saved the rating: the survey in `frame` gives way to a thank-you. */
export function thankForSurvey(frame: HTMLElement, text: string): void {
  const survey = frame.querySelector('[data-testid="parley-survey"]')
  if (!survey) return
  const p = document.createElement('p')
  p.className = 'thanks'
  p.setAttribute('role', 'status')
  p.setAttribute('data-testid', 'parley-survey-thanks')
  p.textContent = text
  survey.replaceWith(p)
}
