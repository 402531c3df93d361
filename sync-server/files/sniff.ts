/**
 * Images are shown inline, so an upload that says it is one must start like one: a page that
 * says "image/png" and sends HTML gets 415, not a stored file. (Served files also carry
 * `nosniff` and a `default-src 'none'` policy; this is the first line, not the only one.)
 */

/** Bytes needed to recognise every signature below. */
export const SNIFF_BYTES = 12

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0))

const SIGNATURES: Record<string, (head: Buffer) => boolean> = {
  'image/png': (h) => starts(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': (h) => starts(h, [0xff, 0xd8, 0xff]),
  'image/gif': (h) => starts(h, ascii('GIF87a')) || starts(h, ascii('GIF89a')),
  'image/webp': (h) => starts(h, ascii('RIFF')) && starts(h.subarray(8), ascii('WEBP')),
}

function starts(h: Buffer, sig: number[]): boolean {
  return h.length >= sig.length && sig.every((b, i) => h[i] === b)
}

/** Whether the first bytes of a file fit its declared type; types without a signature always fit. */
export function contentMatchesType(type: string, head: Buffer): boolean {
  const check = SIGNATURES[type]
  return check ? check(head) : true
}
