import type { ActivationMode, WidgetConfig } from '../../shared/widgetConfig.ts'

/** The part of the widget configuration the loader needs before the chat is loaded. */
export type LauncherConfig = Pick<WidgetConfig, 'colors' | 'position' | 'launcherText'> & {
  activation: Pick<WidgetConfig['activation'], 'mode' | 'delaySeconds'>
}

/**
 * `parseWidgetConfig` restricted to the launcher's fields, with the same rules and defaults
 * (a unit test holds them equal). The whole parser, with every default text and form, would be
 * half the loader's budget.
 */
export function readLauncherConfig(v: unknown): LauncherConfig {
  const o = obj(v)
  const c = obj(o.colors)
  const a = obj(o.activation)
  const d = a.delaySeconds
  return {
    colors: {
      accent: color(c.accent, '#3b5bdb'),
      agentBubble: color(c.agentBubble, '#f1f3f5'),
      agentText: color(c.agentText, '#1d2230'),
      visitorBubble: color(c.visitorBubble, '#3b5bdb'),
      visitorText: color(c.visitorText, '#ffffff'),
    },
    position: o.position === 'left' ? 'left' : 'right',
    launcherText: typeof o.launcherText === 'string' ? o.launcherText.slice(0, 60) : 'Chat with us',
    activation: {
      mode: a.mode === 'proactiveInvite' || a.mode === 'proactiveNoInvite' ? (a.mode as ActivationMode) : 'reactive',
      delaySeconds: typeof d === 'number' && d >= 0 && d <= 3600 ? Math.round(d) : 30,
    },
  }
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
/** #rgb or #rrggbb only: nothing that could inject CSS. */
const color = (v: unknown, fallback: string) => (typeof v === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(v) ? v : fallback)
