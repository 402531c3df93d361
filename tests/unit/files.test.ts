import { describe, expect, it } from 'vitest'
import { attachmentSummary, cleanFileName, fileProblem, formatBytes, normalizeFileType, sanitizeAttachments } from '../../shared/files.ts'
import { Limits } from '../../shared/protocol.ts'
import { fromWidgetSchema } from '../../shared/schemas.ts'

const ID = 'AbCdEfGhIjKlMnOpQrStUv'

describe('file rules', () => {
  it('reads a type from what browsers say, and from the name when they say nothing useful', () => {
    expect(normalizeFileType('image/PNG', 'a.png')).toBe('image/png')
    expect(normalizeFileType('text/plain; charset=utf-8', 'a.txt')).toBe('text/plain')
    expect(normalizeFileType('', 'Report.XLSX')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(normalizeFileType('application/octet-stream', 'a.csv')).toBe('text/csv')
    expect(normalizeFileType('application/x-zip-compressed', 'a.zip')).toBe('application/zip')
    expect(normalizeFileType('image/jpg', 'a.jpg')).toBe('image/jpeg')
    // A specific type is never widened by a friendlier extension.
    expect(normalizeFileType('text/html', 'a.png')).toBe('text/html')
    expect(normalizeFileType('', 'noext')).toBe('')
  })

  it('says why a file cannot be sent: type, size, emptiness', () => {
    expect(fileProblem({ name: 'a.png', type: 'image/png', size: 10 })).toBeNull()
    expect(fileProblem({ name: 'big.pdf', type: 'application/pdf', size: Limits.fileBytes })).toBeNull()
    expect(fileProblem({ name: 'big.pdf', type: 'application/pdf', size: Limits.fileBytes + 1 })).toBe('"big.pdf" is too large (10 MB). Files can be up to 10 MB.')
    expect(fileProblem({ name: 'x.exe', type: 'application/x-msdownload', size: 10 })).toMatch(/^"x.exe" can't be sent: only images/)
    expect(fileProblem({ name: 'logo.svg', type: 'image/svg+xml', size: 10 })).toMatch(/can't be sent/)
    expect(fileProblem({ name: 'e.txt', type: 'text/plain', size: 0 })).toBe('"e.txt" is empty.')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(3 * 1024 * 1024 + 200_000)).toBe('3.2 MB')
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GB')
  })

  it('cleans names of folders, control characters and excess length, keeping the extension', () => {
    expect(cleanFileName('C:\\Users\\ana\\photo.png')).toBe('photo.png')
    expect(cleanFileName('../../etc/passwd')).toBe('passwd')
    expect(cleanFileName('evil\u202Egnp.exe')).toBe('evilgnp.exe')
    expect(cleanFileName('..')).toBe('')
    const long = cleanFileName(`${'x'.repeat(500)}.pdf`)
    expect(long).toHaveLength(Limits.fileName)
    expect(long.endsWith('.pdf')).toBe(true)
  })

  it('keeps only well-formed attachments and rebuilds their links from the id', () => {
    const list = sanitizeAttachments([
      { id: ID, name: 'a b.png', type: 'image/png', size: 3, url: 'javascript:alert(1)' },
      { id: 'short', name: 'x', type: 'image/png', size: 1, url: '' },
      { id: ID, name: 5, type: 'image/png', size: 1 },
      null,
    ])
    expect(list).toEqual([{ id: ID, name: 'a b.png', type: 'image/png', size: 3, url: `/files/${ID}/a%20b.png` }])
    expect(sanitizeAttachments('nope')).toEqual([])
    expect(attachmentSummary(list)).toBe('📎 a b.png')
    expect(attachmentSummary([...list, ...list])).toBe('📎 a b.png +1')
  })

  it('lets a widget message be empty only when it carries files', () => {
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'abcdefgh', text: '', attachments: [ID] }).success).toBe(true)
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'abcdefgh', text: ' ' }).success).toBe(false)
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'abcdefgh', text: 'hi', attachments: ['../x'] }).success).toBe(false)
    const many = Array.from({ length: Limits.attachmentsPerMessage + 1 }, () => ID)
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'abcdefgh', text: 'hi', attachments: many }).success).toBe(false)
  })
})
