// Placeholder: the demo server (scripts/demo-server.ts) answers /demo-config.js itself with
// window.__OPENROUTER_DEMO__ = { authUrl, baseUrl, mintUrl, emulator } for the ports it started.
// Served as is (e.g. from a static host), the demo falls back to openrouter.ai without minting.
