export interface LogEntry {
  id: number;
  at: Date;
  flow: string;
  /** A status from onStatusChange, or an error code: never a key, code or verifier. */
  text: string;
  /** For an error: the developer's English detail (`error.message`; the library redacts secrets from it). */
  detail?: string;
  tone?: "error" | "ok";
}

const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

export function StatusLog({ entries, onClear }: { entries: readonly LogEntry[]; onClear: () => void }) {
  return (
    <section className="card log" aria-labelledby="log-heading">
      <div className="card-head">
        <h2 id="log-heading">Status log</h2>
        <button type="button" className="link" onClick={onClear} disabled={!entries.length}>
          Clear
        </button>
      </div>
      <p className="hint">Every status change the flows report through onStatusChange, newest first. No keys or codes.</p>
      {entries.length ? (
        <ol role="log" aria-live="polite" data-testid="status-log">
          {entries.map((entry) => (
            <li key={entry.id} data-flow={entry.flow} data-tone={entry.tone}>
              <time dateTime={entry.at.toISOString()}>{time.format(entry.at)}</time>
              <span className="flow">{entry.flow}</span>
              <span className="text">{entry.text}</span>
              {entry.detail ? <span className="detail">{entry.detail}</span> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="empty" data-testid="status-log">
          Nothing yet: start a flow.
        </p>
      )}
    </section>
  );
}
