/**
 * A sample shop page with the widget, so a self-hoster can try the chat at `/demo`. With `preview`
 * (`/demo?preview=1`), the widget takes its configuration from the parent page's `postMessage`:
 * the admin's live preview of settings › widget embeds it so.
 */
export function demoPage(workspace: string, preview = false): string {
  const ws = workspace.replace(/[^A-Za-z0-9_-]/g, '')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Outfitters — demo shop</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2933; background: #f7f7f2; }
  header { background: #2f4858; color: #fff; padding: 1rem 1.5rem; }
  main { max-width: 56rem; margin: 0 auto; padding: 1.5rem; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
  article { background: #fff; border-radius: .5rem; padding: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
  .price { font-weight: 700; color: #2f4858; }
  footer { text-align: center; color: #6b7280; padding: 2rem 1rem; }
</style>
</head>
<body>
<header><h1>Northwind Outfitters</h1><p>Gear for wet weekends. Questions? Use the chat in the corner.</p></header>
<main>
  <article><h2>Storm shell jacket</h2><p>Taped seams, pit zips, packs into its own pocket.</p><p class="price">€189</p></article>
  <article><h2>Trail runner GTX</h2><p>Waterproof, grippy, light enough for long days.</p><p class="price">€139</p></article>
  <article><h2>Merino base layer</h2><p>Warm when wet, does not smell after three days.</p><p class="price">€69</p></article>
</main>
<footer>This is a demo page served by Parley at /demo.</footer>
<script src="/widget.js" data-workspace="${ws}"${preview ? ' data-preview="1"' : ''} async></script>
</body>
</html>`
}
