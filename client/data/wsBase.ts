/** The base URL of the server's WebSockets: the app is served by the server, so same origin. */
export function defaultWsBase(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`
}
