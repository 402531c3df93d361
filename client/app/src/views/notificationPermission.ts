/**
 * Whether this browser may show Parley's system notifications: one signal for the whole page, as
 * the permission itself is the browser's (the header menu asks for it, the alerts read it).
 */
import { createSignal } from 'solid-js'

type Permission = NotificationPermission

const initial: Permission = typeof Notification === 'undefined' ? 'denied' : Notification.permission
const [permission, setPermission] = createSignal<Permission>(initial)

/** The notification permission as last known: `default` until the agent decides. */
export const notificationPermission = permission

/** Asks the browser (a click must lead here) and keeps the answer. */
export async function requestNotificationPermission(): Promise<void> {
  if (typeof Notification === 'undefined') return
  setPermission(await Notification.requestPermission())
}
