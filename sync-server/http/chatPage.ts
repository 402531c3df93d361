/**
 * The full-page chat at `/chat/<workspace>`: a link a business can share (email signatures, social
 * profiles, QR codes) that opens the chat on a page of its own, no launcher.
 */
export function chatPage(workspace: string): string {
  const ws = workspace.replace(/[^A-Za-z0-9_-]/g, '')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat</title>
<style>html, body { margin: 0; height: 100%; background: #fff; }</style>
</head>
<body>
<noscript>The chat needs JavaScript.</noscript>
<script src="/widget.js" data-workspace="${ws}" data-mode="page" async></script>
</body>
</html>`
}
