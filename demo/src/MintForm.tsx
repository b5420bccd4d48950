import { useId, useState, type FormEvent } from "react";
// In your app: from "openrouter-connect"
import {
  createPkcePair,
  useCreateAuthCode,
  useExchangeAuthCode,
  type CreateAuthKeysCodeResponse,
  type ExchangeAuthCodeResponse,
  type OpenRouterAuthError,
  type UsageLimitType,
} from "../../src/index.js";
import { KeyResult } from "./KeyResult.js";

const EXPIRY: Record<string, number | null> = { never: null, hour: 3600, day: 86_400, month: 30 * 86_400 };

/** ISO 8601 in UTC with whole seconds: OpenRouter refuses minute precision. */
function expiresIn(seconds: number): string {
  return new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The minted flow built on the hooks: `useCreateAuthCode` asks this app's server
 * (`mintUrl`, which adds the app's OpenRouter key) for a code with spend controls,
 * then `useExchangeAuthCode` swaps it for the new key with the PKCE verifier.
 * No window opens and the browser never holds the app's key.
 */
export function MintForm({ log, enabled }: { log: (text: string, tone?: "error" | "ok") => void; enabled: boolean }) {
  const id = useId();
  const createCode = useCreateAuthCode();
  const exchange = useExchangeAuthCode();
  const [created, setCreated] = useState<CreateAuthKeysCodeResponse>();
  const [result, setResult] = useState<ExchangeAuthCodeResponse>();
  const [error, setError] = useState<OpenRouterAuthError>();
  const busy = createCode.isPending || exchange.isPending;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const limit = String(form.get("limit") ?? "").trim();
    const label = String(form.get("label") ?? "").trim();
    const expiry = EXPIRY[String(form.get("expiry"))] ?? null;
    const usage = String(form.get("usage") ?? "");
    setCreated(undefined);
    setResult(undefined);
    setError(undefined);
    try {
      const pair = await createPkcePair("S256");
      log("creating code");
      const response = await createCode.mutateAsync({
        callbackUrl: window.location.origin + window.location.pathname,
        codeChallenge: pair.codeChallenge,
        codeChallengeMethod: pair.codeChallengeMethod,
        ...(limit ? { limit: Number(limit) } : {}),
        ...(label ? { keyLabel: label } : {}),
        expiresAt: expiry === null ? null : expiresIn(expiry),
        ...(usage ? { usageLimitType: usage as UsageLimitType } : {}),
      });
      setCreated(response);
      log("exchanging");
      const key = await exchange.mutateAsync({ code: response.data.id, codeVerifier: pair.codeVerifier, codeChallengeMethod: pair.codeChallengeMethod });
      setResult(key);
      log("connected", "ok");
    } catch (caught) {
      const failure = caught as OpenRouterAuthError;
      setError(failure);
      log(`error: ${failure.code ?? "unknown"}`, "error");
    }
  };

  return (
    <div className="mint-body">
      <form className="mint" onSubmit={(event) => void submit(event)} aria-describedby={`${id}-status`}>
        <div className="field">
          <label htmlFor={`${id}-limit`}>Credit limit (USD)</label>
          <input id={`${id}-limit`} name="limit" type="number" min="0" step="0.01" defaultValue="5" inputMode="decimal" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-label`}>Key label</label>
          <input id={`${id}-label`} name="label" type="text" maxLength={100} defaultValue="Kitchen tablet" autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-expiry`}>Expires</label>
          <select id={`${id}-expiry`} name="expiry" defaultValue="day">
            <option value="hour">In 1 hour</option>
            <option value="day">In 1 day</option>
            <option value="month">In 30 days</option>
            <option value="never">Never</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-usage`}>Limit resets</label>
          <select id={`${id}-usage`} name="usage" defaultValue="">
            <option value="">Never</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="monthly">Monthly</option>
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !enabled} aria-busy={busy}>
            {busy ? "Creating…" : "Create key"}
          </button>
        </div>
      </form>
      <div className="mint-result">
        <p id={`${id}-status`} className="status" role="status" data-testid="minted-status">
          {!enabled
            ? "Minting needs an OpenRouter API key on the demo server (OPENROUTER_API_KEY)."
            : error
              ? error.message
              : createCode.isPending
                ? "Creating an authorization code…"
                : exchange.isPending
                  ? "Exchanging the code for a key…"
                  : result
                    ? "Key created."
                    : ""}
        </p>
        {created ? (
          <figure className="response">
            <figcaption>useCreateAuthCode answered (the code, shortened here, is single-use and already exchanged):</figcaption>
            <pre data-testid="minted-response">
              {JSON.stringify({ data: { ...created.data, id: `${created.data.id.slice(0, 14)}…` } }, null, 2)}
            </pre>
          </figure>
        ) : null}
        <KeyResult apiKey={result?.key} userId={result?.userId} testId="minted-key" />
      </div>
    </div>
  );
}
