/** The build a browser benchmark serves: a copy, so that a rebuild during the run cannot change the app under test. */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** The build output: `STATIC_DIR` when set (as `npm run build` honours it), else ./dist. */
export const DIST = process.env.STATIC_DIR ? resolve(process.env.STATIC_DIR) : join(import.meta.dirname, '../../dist')

/** Copies the build to a temporary folder, removed by the closer it pushes; resolves with the folder and the app's script names. */
export function copyBuild(closers: (() => Promise<unknown>)[]): { staticDir: string; build: string[] } {
  const staticDir = mkdtempSync(join(tmpdir(), 'parley-bench-dist-'))
  closers.push(async () => rmSync(staticDir, { recursive: true, force: true }))
  cpSync(DIST, staticDir, { recursive: true })
  return { staticDir, build: readdirSync(join(staticDir, 'app/assets')).filter((f) => f.endsWith('.js')).sort() }
}
