// Each y-websocket provider in a test listens for the process's exit; tests open many at once.
process.setMaxListeners(100)
