import { build, defineConfig } from 'vite'
import solid from 'vite-plugin-solid'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
/** Where the build goes: the server's `STATIC_DIR` (default `dist`), so a build and the server that serves it agree. */
const out = (sub: string) => resolve(process.env.STATIC_DIR || here('dist'), sub)

/** Paths the server answers itself: the service worker must never serve the app shell for them. */
const SERVER_PATHS = [/^\/api\//, /^\/sync\//, /^\/widget/, /^\/demo/, /^\/healthz/, /^\/chat\//, /^\/files\//]

// Outputs from one config: `vite build` builds the agent PWA into dist/app, `vite build --mode widget`
// builds the visitor widget into dist/widget: the tiny loader `widget.js` (an IIFE, served at
// /widget.js) and, in a second pass from the same command, the chat bundle `chat.js` (an ES module
// the loader imports when the visitor needs the chat).
export default defineConfig(({ mode }) => {
  if (mode === 'widget') {
    return {
      publicDir: false,
      build: {
        outDir: out('widget'),
        emptyOutDir: true,
        target: 'es2019',
        lib: {
          entry: here('client/widget/loader.ts'),
          formats: ['iife'],
          name: 'ParleyWidget',
          fileName: () => 'widget.js',
        },
      },
      plugins: [
        {
          name: 'parley-widget-chat',
          apply: 'build',
          // The loader's pass is done: build the chat bundle next to it.
          async closeBundle() {
            await build({
              configFile: false,
              mode: 'widget-chat',
              publicDir: false,
              logLevel: 'warn',
              build: {
                outDir: out('widget'),
                emptyOutDir: false,
                target: 'es2019',
                minify: true,
                rollupOptions: {
                  input: here('client/widget/chat.ts'),
                  preserveEntrySignatures: 'exports-only',
                  output: { format: 'es', entryFileNames: 'chat.js' },
                },
              },
            })
          },
        },
      ],
    }
  }
  return {
    root: here('client/app'),
    publicDir: here('client/app/public'),
    plugins: [
      solid(),
      VitePWA({
        registerType: 'prompt',
        injectRegister: false,
        includeAssets: ['icons/*.png', 'icons/*.svg'],
        manifest: {
          name: 'Parley',
          short_name: 'Parley',
          description: 'Answer your customers, online or not.',
          start_url: '/',
          scope: '/',
          display: 'standalone',
          background_color: '#ffffff',
          theme_color: '#3b5bdb',
          icons: [
            { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
            { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
            { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          ],
        },
        workbox: {
          globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
          navigateFallback: '/index.html',
          navigateFallbackDenylist: SERVER_PATHS,
          cleanupOutdatedCaches: true,
          // Files in chats never change under their id: once seen, a thumbnail or a download stays readable offline.
          runtimeCaching: [
            {
              urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/files/'),
              handler: 'CacheFirst',
              options: { cacheName: 'parley-files', expiration: { maxEntries: 300 }, cacheableResponse: { statuses: [200] } },
            },
          ],
          // The first worker takes the open page at once (so it works offline from the first visit and
          // a later update can reload it); updates still wait for the agent's consent (registerType 'prompt').
          clientsClaim: true,
        },
      }),
    ],
    build: { outDir: out('app'), emptyOutDir: true, target: 'es2022' },
    // The app's Web Workers (reports, ingest) are ES modules, code-split like the app.
    worker: { format: 'es' },
    server: { port: 5173 },
  }
})
