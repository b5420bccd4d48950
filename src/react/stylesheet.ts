// The default stylesheet as a plain string, in a module without 'use client': a Server Component
// (a Next.js layout) can put it in the server's HTML, so the button is styled before hydration.
// styles.ts adds it to the document on the client.

// Every rule starts at a styled wrapper, so an `unstyled` button stays bare next to a styled one.
// :where() keeps each selector's specificity what it was without the check, so overrides still win.
// Logical properties only (inline-start/end, never left/right): under dir="rtl" the row, the
// spinner's gap and its turn mirror; the default mark (a key pointing at the label) flips with them.
const R = ".orc:not(:where([data-unstyled]))";
const D = ":where(.orc:not([data-unstyled]))";

/** The default look. Theme it with these custom properties, or opt out with `unstyled`. */
export const connectButtonCss = `
${R}{--orc-bg:#fff;--orc-fg:#111827;--orc-muted:#4b5563;--orc-border:#d1d5db;--orc-hover:#f3f4f6;--orc-accent:#4f46e5;--orc-danger:#b91c1c;--orc-ok:#047857;--orc-radius:10px;--orc-font:inherit;display:inline-flex;flex-direction:column;align-items:flex-start;gap:6px;max-width:100%;font-family:var(--orc-font)}
${R}[data-theme=dark]{--orc-bg:#111827;--orc-fg:#f9fafb;--orc-muted:#d1d5db;--orc-border:#374151;--orc-hover:#1f2937;--orc-accent:#a5b4fc;--orc-danger:#fca5a5;--orc-ok:#6ee7b7}
@media (prefers-color-scheme:dark){${R}[data-theme=auto]{--orc-bg:#111827;--orc-fg:#f9fafb;--orc-muted:#d1d5db;--orc-border:#374151;--orc-hover:#1f2937;--orc-accent:#a5b4fc;--orc-danger:#fca5a5;--orc-ok:#6ee7b7}}
${D} .orc-row{display:flex;flex-wrap:wrap;gap:8px;align-items:center;max-width:100%}
${D} .orc-button,${D} .orc-secondary{box-sizing:border-box;display:inline-flex;align-items:center;gap:.5em;max-width:100%;border:1px solid var(--orc-border);border-radius:var(--orc-radius);background:var(--orc-bg);color:var(--orc-fg);font:inherit;font-weight:600;line-height:1.2;cursor:pointer;transition:background-color .15s,border-color .15s}
${D} .orc-button{padding:.6em 1em;font-size:15px}
${R}[data-size=sm] .orc-button{padding:.4em .75em;font-size:13px}
${R}[data-size=lg] .orc-button{padding:.75em 1.25em;font-size:17px}
${D} .orc-secondary{padding:.4em .75em;font-size:13px;font-weight:500}
${D} .orc-button:hover:not(:disabled),${D} .orc-secondary:hover{background:var(--orc-hover)}
${D} .orc-button:focus-visible,${D} .orc-secondary:focus-visible,${D} .orc-paste input:focus-visible{outline:2px solid var(--orc-accent);outline-offset:2px}
${D} .orc-button:disabled{opacity:.55;cursor:not-allowed}
${D} .orc-button[aria-busy=true]{cursor:progress}
${D} .orc-button[data-state=connected]{border-color:var(--orc-ok)}
${D} .orc-icon{display:inline-flex;flex:none;width:1.25em;height:1.25em;color:var(--orc-accent)}
${D} .orc-icon svg{width:100%;height:100%}
${D} .orc-mark:dir(rtl){transform:scaleX(-1)}
${D} .orc-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
${D} .orc-spinner{flex:none;width:.9em;height:.9em;border:2px solid currentColor;border-inline-end-color:transparent;border-radius:50%;animation:orc-spin .8s linear infinite}
${D} .orc-spinner:dir(rtl){animation-direction:reverse}
@keyframes orc-spin{to{transform:rotate(1turn)}}
@media (prefers-reduced-motion:reduce){${D} .orc-spinner{animation-duration:2.4s}}
${D} .orc-status{font-size:13px;color:var(--orc-muted);max-width:100%;overflow-wrap:anywhere}
${D} .orc-status:empty{display:none}
${R}[data-state=error] .orc-status{color:var(--orc-danger)}
${D} .orc-paste{display:flex;flex-wrap:wrap;gap:6px;align-items:end;font-size:13px;color:var(--orc-fg)}
${D} .orc-paste input{font:inherit;padding:.4em .6em;border:1px solid var(--orc-border);border-radius:calc(var(--orc-radius) - 4px);background:var(--orc-bg);color:var(--orc-fg);min-width:0;max-width:100%}
${D} .orc-paste a,${D} .orc-revoke{color:var(--orc-accent)}
${D} .orc-revoke{font-size:13px}
`;
