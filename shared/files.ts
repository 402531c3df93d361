/**
 * Files in chats: which types are allowed, how a type is read from what a browser says, the
 * checks both clients make before sending (the server makes them again), and file URLs.
 * Pure and dependency-free: the widget imports it.
 */
import { Limits, type Attachment } from './protocol.ts'

const IMAGE_TYPES: readonly string[] = Limits.imageTypes
const ALLOWED_TYPES: readonly string[] = [...Limits.imageTypes, ...Limits.documentTypes]

/** Types by file extension, for browsers and systems that report none (or a generic one). */
const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** Other spellings of allowed types that real browsers and systems send (Windows: zip, csv). */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'text/comma-separated-values': 'text/csv',
  'application/csv': 'text/csv',
}

/** The `accept` attribute of a file input: every allowed type and extension. */
export const FILE_ACCEPT = [...ALLOWED_TYPES, ...Object.keys(BY_EXTENSION).map((e) => `.${e}`)].join(',')

/**
 * A file's type as Parley records it: lower case, without parameters, aliases folded; a missing
 * or generic type is read from the name's extension. Never widens a specific type it was given.
 */
export function normalizeFileType(type: string, name: string): string {
  let t = (type.split(';')[0] ?? '').trim().toLowerCase()
  t = ALIASES[t] ?? t
  if (!t || t === 'application/octet-stream') {
    const ext = /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase()
    t = (ext && BY_EXTENSION[ext]) || t
  }
  return t
}

/** Whether a (normalized) type shows inline as an image. */
export const isImageType = (type: string): boolean => IMAGE_TYPES.includes(type)

/** Whether a (normalized) type may be sent at all. */
export const isAllowedFileType = (type: string): boolean => ALLOWED_TYPES.includes(type)

/** A size for people: "512 B", "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`
  if (n < 1024 ** 3) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`
  return `${(n / 1024 ** 3).toFixed(1).replace(/\.0$/, '')} GB`
}

/** Why a file cannot be sent, in words for the person sending it; null when it can. */
export function fileProblem(file: { name: string; type: string; size: number }): string | null {
  const type = normalizeFileType(file.type, file.name)
  if (!isAllowedFileType(type))
    return `"${file.name}" can't be sent: only images (PNG, JPEG, GIF, WebP) and PDF, text, CSV, ZIP, Word or Excel files are allowed.`
  if (file.size > Limits.fileBytes) return `"${file.name}" is too large (${formatBytes(file.size)}). Files can be up to ${formatBytes(Limits.fileBytes)}.`
  if (file.size === 0) return `"${file.name}" is empty.`
  return null
}

/**
 * A file name safe to store and show: no folders, no control or bidi-override characters,
 * at most `Limits.fileName` characters (the extension is kept). Empty when nothing is left.
 */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  let n = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim()
  n = n.replace(/^\.+/, '')
  if (n.length > Limits.fileName) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(n)?.[0] ?? ''
    n = n.slice(0, Limits.fileName - ext.length) + ext
  }
  return n
}

/** The path of a stored file on the server (relative to the server's address). */
export const fileUrl = (id: string, name: string): string => `/files/${encodeURIComponent(id)}/${encodeURIComponent(name)}`

/** A one-line stand-in for a message that has files and no text (inbox previews): "📎 photo.png". */
export function attachmentSummary(attachments: readonly { name: string }[]): string {
  if (!attachments.length) return ''
  const first = attachments[0]!.name
  return attachments.length === 1 ? `📎 ${first}` : `📎 ${first} +${attachments.length - 1}`
}

/** Whether a value is a stored file's id (128 random bits, base64url). */
export const isFileId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{22}$/.test(v)

/**
 * The well-formed attachments of a message read from a document or a frame (anything else is
 * dropped), with each `url` rebuilt from its id: a link is never taken from the message itself.
 */
export function sanitizeAttachments(v: unknown): Attachment[] {
  if (!Array.isArray(v)) return []
  const out: Attachment[] = []
  for (const a of v.slice(0, Limits.attachmentsPerMessage)) {
    if (typeof a !== 'object' || a === null) continue
    const { id, name, type, size } = a as Record<string, unknown>
    if (!isFileId(id) || typeof name !== 'string' || typeof type !== 'string' || typeof size !== 'number') continue
    const clean = cleanFileName(name) || 'file'
    out.push({ id, name: clean, type: type.slice(0, 100), size, url: fileUrl(id, clean) })
  }
  return out
}
