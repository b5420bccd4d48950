import { useId, useState, type FormEvent } from "react";
import { useCreateAuthCode, type CreateAuthKeysCodeRequest } from "../../src/index.js";

/** The form's initial values, one per request field, as typed: empty means "leave it out". */
export interface CreateAuthCodeFormProps {
  /** `callback_url`, the only required field: https, or http on localhost / 127.0.0.1 / [::1]. */
  callbackUrl: string;
  /** `code_challenge`: the PKCE challenge of a verifier you keep for the exchange. */
  codeChallenge: string;
  /** `code_challenge_method`: `S256` (use this) or `plain`. */
  codeChallengeMethod: "" | "S256" | "plain";
  /** `limit`: the key's credit limit, as text (a number), or empty for none. */
  limit: string;
  /** `expires_at`: ISO 8601 in UTC with seconds (2030-12-31T23:59:59Z); minute precision is refused. */
  expiresAt: string;
  /** `key_label`: 1-100 characters; OpenRouter defaults it to your app's name. */
  keyLabel: string;
  /** `usage_limit_type`: the limit resets `daily`, `weekly` or `monthly`. */
  usageLimitType: "" | "daily" | "weekly" | "monthly";
  /** `workspace_id`: a UUID. */
  workspaceId: string;
}

function toRequest(form: CreateAuthCodeFormProps): CreateAuthKeysCodeRequest {
  const request: CreateAuthKeysCodeRequest = { callbackUrl: form.callbackUrl };
  if (form.codeChallenge) request.codeChallenge = form.codeChallenge;
  if (form.codeChallengeMethod) request.codeChallengeMethod = form.codeChallengeMethod;
  if (form.limit) request.limit = Number(form.limit);
  if (form.expiresAt) request.expiresAt = form.expiresAt;
  if (form.keyLabel) request.keyLabel = form.keyLabel;
  if (form.usageLimitType) request.usageLimitType = form.usageLimitType;
  if (form.workspaceId) request.workspaceId = form.workspaceId;
  return request;
}

const fieldStyle = { display: "grid", gap: 4, font: "14px system-ui, sans-serif" } as const;

/**
 * `useCreateAuthCode()` is `POST /api/v1/auth/keys/code` (the minted flow's first step) as a
 * react-query mutation: invalid input fails with `invalid_request` before any request, and it is
 * never retried. It needs the provider's `apiKey` (a key the user holds) or a `mintUrl` on your
 * server that adds one; here it is the story's emulator's key.
 *
 * This example form sends every field of the request and announces the mutation's state in a
 * live region: pending, success with the response (`data.id` is the code to exchange), or the
 * error with its stable `code`, its message and, for invalid input, each field's problem.
 */
export function CreateAuthCodeForm(initial: CreateAuthCodeFormProps) {
  const [form, setForm] = useState(initial);
  const mutation = useCreateAuthCode();
  const id = useId();
  const field = (name: keyof CreateAuthCodeFormProps) => ({
    id: `${id}-${name}`,
    name,
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(toRequest(form));
  };

  return (
    <form onSubmit={submit} style={{ display: "grid", gap: 10, width: "min(520px, 92vw)" }}>
      <label style={fieldStyle} htmlFor={`${id}-callbackUrl`}>
        callbackUrl (required)
        <input {...field("callbackUrl")} />
      </label>
      <label style={fieldStyle} htmlFor={`${id}-codeChallenge`}>
        codeChallenge
        <input {...field("codeChallenge")} />
      </label>
      <label style={fieldStyle} htmlFor={`${id}-codeChallengeMethod`}>
        codeChallengeMethod
        <select {...field("codeChallengeMethod")}>
          <option value="">(none)</option>
          <option value="S256">S256</option>
          <option value="plain">plain</option>
        </select>
      </label>
      <label style={fieldStyle} htmlFor={`${id}-limit`}>
        limit (credits)
        <input {...field("limit")} inputMode="decimal" />
      </label>
      <label style={fieldStyle} htmlFor={`${id}-expiresAt`}>
        expiresAt (UTC, with seconds)
        <input {...field("expiresAt")} placeholder="2030-12-31T23:59:59Z" />
      </label>
      <label style={fieldStyle} htmlFor={`${id}-keyLabel`}>
        keyLabel
        <input {...field("keyLabel")} />
      </label>
      <label style={fieldStyle} htmlFor={`${id}-usageLimitType`}>
        usageLimitType
        <select {...field("usageLimitType")}>
          <option value="">(none)</option>
          <option value="daily">daily</option>
          <option value="weekly">weekly</option>
          <option value="monthly">monthly</option>
        </select>
      </label>
      <label style={fieldStyle} htmlFor={`${id}-workspaceId`}>
        workspaceId (UUID)
        <input {...field("workspaceId")} />
      </label>
      <div>
        <button type="submit" disabled={mutation.isPending}>
          Create code
        </button>
      </div>
      <div role="status" aria-live="polite" data-status={mutation.status} style={{ font: "14px system-ui, sans-serif" }}>
        {mutation.isPending ? <p>Creating the code…</p> : null}
        {mutation.isSuccess ? (
          <>
            <p>Code created.</p>
            <pre data-testid="response" style={{ margin: 0, padding: 8, background: "#f3f4f6", overflowX: "auto" }}>
              {JSON.stringify(mutation.data, null, 2)}
            </pre>
          </>
        ) : null}
        {mutation.isError ? (
          <>
            <p>
              Failed: <code data-testid="error-code">{mutation.error.code}</code>
              {mutation.error.status ? ` (HTTP ${mutation.error.status})` : null}. {mutation.error.message}
            </p>
            {mutation.error.issues ? (
              <ul>
                {mutation.error.issues.map((issue) => (
                  <li key={issue.path.join(".")}>
                    <code>{issue.path.join(".")}</code>: {issue.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
    </form>
  );
}
