import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test as base, expect } from '@playwright/test'
import { startServer } from '../support/server.ts'
import { signIn } from './fixtures.ts'

// The build under test: `STATIC_DIR` when set (as `npm run build` honours it), else ./dist.
const DIST = process.env.STATIC_DIR ? resolve(process.env.STATIC_DIR) : join(import.meta.dirname, '../../dist')

base('the app is installable and announces a new version, reloading on consent', async ({ browser }) => {
  // A copy of the build, so this test can publish a "new version" without touching the real one.
  const staticDir = mkdtempSync(join(tmpdir(), 'parley-dist-'))
  cpSync(DIST, staticDir, { recursive: true })
  const parley = await startServer({ staticDir })
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  try {
    await signIn(page, parley.url)
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel=manifest]')!.getAttribute('href')!
      const m = (await (await fetch(href)).json()) as { name: string; display: string; theme_color: string; start_url: string; icons: { src: string; sizes: string }[] }
      const icons = await Promise.all(m.icons.map(async (i) => (await fetch(i.src)).headers.get('content-type')))
      const themeMeta = document.querySelector('meta[name=theme-color]')?.getAttribute('content')
      return { name: m.name, display: m.display, theme: m.theme_color, themeMeta, startUrl: m.start_url, sizes: m.icons.map((i) => i.sizes), icons }
    })
    expect(manifest).toMatchObject({ name: 'Parley', display: 'standalone', startUrl: '/' })
    // The theme colours the browser's and the installed app's chrome; the page says the same.
    expect(manifest.theme).toMatch(/^#[0-9a-f]{6}$/i)
    expect(manifest.themeMeta?.toLowerCase()).toBe(manifest.theme.toLowerCase())
    expect(manifest.sizes).toEqual(expect.arrayContaining(['192x192', '512x512']))
    expect(new Set(manifest.icons)).toEqual(new Set(['image/png']))

    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await expect(page.getByTestId('update-banner')).toHaveCount(0)

    // Publish a new version of the service worker and let the open app find it.
    appendFileSync(join(staticDir, 'app/sw.js'), '\n// next release\n')
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r!.update()))
    await expect(page.getByTestId('update-banner')).toContainText('A new version is available')

    const reloaded = page.waitForEvent('framenavigated')
    await page.getByTestId('update-banner').getByRole('button', { name: 'Reload' }).click()
    await reloaded
    await expect(page.getByTestId('inbox')).toBeVisible()
    await expect(page.getByTestId('update-banner')).toHaveCount(0)
    const waiting = await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r!.waiting))
    expect(waiting).toBeNull()
  } finally {
    await ctx.close()
    await parley.destroy()
    rmSync(staticDir, { recursive: true, force: true })
  }
})
