import { useEffect, useState } from "react";
// In your app: from "openrouter-connect"
import { maskKey } from "../../src/index.js";

/** The key a flow produced, masked, with a copy button. The full key never enters the DOM. */
export function KeyResult({ apiKey, userId, testId }: { apiKey: string | null | undefined; userId?: string | null; testId: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  if (!apiKey) {
    return (
      <p className="key key-empty" data-testid={testId}>
        No key yet.
      </p>
    );
  }
  const copy = () => {
    navigator.clipboard?.writeText(apiKey).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="key">
      <span className="key-label">Key</span>
      <code data-testid={testId}>{maskKey(apiKey)}</code>
      {userId ? <span className="key-user">{userId}</span> : null}
      <button type="button" className="copy" onClick={copy} aria-label="Copy the key">
        {copied ? "Copied" : "Copy"}
      </button>
      <span className="visually-hidden" role="status">
        {copied ? "Key copied to the clipboard" : ""}
      </span>
    </div>
  );
}
