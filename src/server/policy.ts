// The mint route's policy: what a browser may ask for. `normalizeMintPolicy` checks the app's
// policy once, at construction (fail closed: the bounds that matter are required);
// `applyMintPolicy` holds one request against it. No node: import (edge runtimes).
import { invalidRequest, type OpenRouterAuthIssue } from "../core/errors.js";
import { isUsageLimitType, toIsoSeconds, USAGE_LIMIT_TYPES, UUID, type UsageLimitType } from "../core/rules.js";
import { keyLabelSchema, MAX_LIMIT, type CreateAuthKeysCodeRequest } from "../core/schemas.js";
import { allowedOriginsOption, functionOption, optionError, toOrigin } from "./http.js";

/** What `policy.keyLabel` is called with. */
export interface KeyLabelContext {
  /** The user's id from `authorize`, when it returned `{ subject }`. */
  subject: string | undefined;
  request: Request;
}

/**
 * What the browser may ask for. A request over a bound is refused with 400, never capped; a
 * bounded field the request leaves out takes the bound (except `workspace_id`, see below).
 * `maxLimit`, `maxLifetimeSeconds` and `allowedOrigins` are required.
 */
export interface MintPolicy {
  /** Largest credit `limit` (USD), at most 1e9; a request without `limit` gets this one. Required. */
  maxLimit: number;
  /**
   * Longest lifetime of a key in seconds (1 to 100 years): `expires_at` must not be later than now +
   * this, `null` (never expires) is refused, and a request without `expires_at` gets now + this. Required.
   */
  maxLifetimeSeconds: number;
  /**
   * The origins your pages are served from (`https://app.example.com`): a request whose `Origin`
   * header is not one of them gets 403. Required, and the only thing that decides it: the
   * handler never takes its own origin from `Host` or the request URL, which the client controls.
   * A request without `Origin` (not a browser) is left to `authorize`. `[]` allows no browser.
   */
  allowedOrigins: readonly string[];
  /** Allowed `usage_limit_type` values; a request without one stays without one. */
  allowedUsageLimitTypes?: readonly UsageLimitType[];
  /** Origins (`https://app.example.com`) `callback_url` must belong to. */
  allowedCallbackOrigins?: readonly string[];
  /** `key_label` for requests without one (OpenRouter's default is the app's name). Not with `keyLabel`. */
  defaultKeyLabel?: string;
  /**
   * Sets every key's label on the server, e.g. `({ subject }) => \`myapp:${subject}\`` so each key
   * can be traced to its user; the browser's `key_label` is then ignored. It must return 1-100
   * characters without control characters: anything else answers 500 (and `onRefused` says why).
   */
  keyLabel?: (context: KeyLabelContext) => string;
  /**
   * Workspaces (UUIDs, compared case-insensitively) keys may be minted in. Without it, a browser
   * may mint in any workspace the app's key reaches. A request without `workspace_id` takes the
   * bound like other fields: the only listed workspace, or a 400 asking for one when several are
   * listed. An empty list allows none by id: every key lands in OpenRouter's default workspace.
   */
  allowedWorkspaceIds?: readonly string[];
  /**
   * Refuse requests without a PKCE challenge, or with one that is not `S256` (a `plain` challenge
   * is the verifier itself, and a challenge without a method is `plain`): without a challenge,
   * anyone who sees the code can exchange it. Default `true`. The library's own flows always send
   * an S256 challenge; with `useCreateAuthCode` or the client's `createAuthCode`, pass one.
   */
  requireCodeChallenge?: boolean;
}

export interface NormalizedMintPolicy {
  maxLimit: number;
  maxLifetimeSeconds: number;
  allowedOrigins: ReadonlySet<string>;
  allowedUsageLimitTypes: ReadonlySet<UsageLimitType> | undefined;
  allowedCallbackOrigins: ReadonlySet<string> | undefined;
  defaultKeyLabel: string | undefined;
  keyLabel: ((context: KeyLabelContext) => string) | undefined;
  /** Lower-cased id → the id as the app wrote it. */
  allowedWorkspaceIds: ReadonlyMap<string, string> | undefined;
  requireCodeChallenge: boolean;
}

const OWNER = "createMintHandler";
/** The longest `maxLifetimeSeconds`: 100 years. */
const MAX_LIFETIME_SECONDS = 100 * 365 * 86_400;
const POLICY_KEYS = new Set<string>([
  "maxLimit",
  "maxLifetimeSeconds",
  "allowedOrigins",
  "allowedUsageLimitTypes",
  "allowedCallbackOrigins",
  "defaultKeyLabel",
  "keyLabel",
  "allowedWorkspaceIds",
  "requireCodeChallenge",
]);

const fail = (path: PropertyKey[], message: string) => optionError(OWNER, ["policy", ...path], message);

/** Checks the app's policy once; throws `invalid_request` naming the option. */
export function normalizeMintPolicy(policy: unknown): NormalizedMintPolicy {
  if (policy === undefined) throw optionError(OWNER, ["policy"], "is required: at least { maxLimit, maxLifetimeSeconds, allowedOrigins }");
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw optionError(OWNER, ["policy"], "must be an object");
  const p = policy as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    // A typo in a security policy must not silently turn a bound off.
    if (!POLICY_KEYS.has(key)) throw fail([key], "is not a policy option");
  }

  const { maxLimit, maxLifetimeSeconds, allowedUsageLimitTypes, defaultKeyLabel, allowedWorkspaceIds, requireCodeChallenge } = p;
  if (maxLimit === undefined) throw fail(["maxLimit"], "is required: the largest credit limit (USD) a key may get");
  if (typeof maxLimit !== "number" || !Number.isFinite(maxLimit) || maxLimit < 0 || maxLimit > MAX_LIMIT) {
    throw fail(["maxLimit"], `must be a number between 0 and ${MAX_LIMIT}`);
  }
  if (maxLifetimeSeconds === undefined) throw fail(["maxLifetimeSeconds"], "is required: the longest a key may live, in seconds");
  // Bounded so that now + the lifetime is always a date OpenRouter can read (a four-digit year):
  // unbounded, a request without expires_at failed on every call (a RangeError, 500).
  if (typeof maxLifetimeSeconds !== "number" || !Number.isSafeInteger(maxLifetimeSeconds) || maxLifetimeSeconds < 1 || maxLifetimeSeconds > MAX_LIFETIME_SECONDS) {
    throw fail(["maxLifetimeSeconds"], `must be a whole number of seconds from 1 to ${MAX_LIFETIME_SECONDS} (100 years)`);
  }
  const allowedOrigins = allowedOriginsOption(OWNER, p.allowedOrigins);

  let usageTypes: ReadonlySet<UsageLimitType> | undefined;
  if (allowedUsageLimitTypes !== undefined) {
    if (!Array.isArray(allowedUsageLimitTypes)) throw fail(["allowedUsageLimitTypes"], "must be an array");
    allowedUsageLimitTypes.forEach((t, i) => {
      if (!isUsageLimitType(t)) throw fail(["allowedUsageLimitTypes", i], `must be one of ${USAGE_LIMIT_TYPES.join(", ")}`);
    });
    usageTypes = new Set(allowedUsageLimitTypes as UsageLimitType[]);
  }

  let callbackOrigins: ReadonlySet<string> | undefined;
  if (p.allowedCallbackOrigins !== undefined) {
    if (!Array.isArray(p.allowedCallbackOrigins)) throw fail(["allowedCallbackOrigins"], "must be an array of origins");
    callbackOrigins = new Set(
      p.allowedCallbackOrigins.map((value, i) => {
        const origin = toOrigin(value);
        if (!origin) throw fail(["allowedCallbackOrigins", i], "must be an origin like https://app.example.com (scheme, host and port only)");
        return origin;
      }),
    );
  }

  // The very rule the request's key_label is checked with.
  if (defaultKeyLabel !== undefined && !keyLabelSchema.safeParse(defaultKeyLabel).success) {
    throw fail(["defaultKeyLabel"], "must be 1-100 characters without control characters");
  }
  const keyLabel = functionOption<(context: KeyLabelContext) => string>(OWNER, ["policy", "keyLabel"], p.keyLabel, false);
  if (keyLabel && defaultKeyLabel !== undefined) throw fail(["defaultKeyLabel"], "cannot be combined with policy.keyLabel, which labels every key");

  let workspaceIds: ReadonlyMap<string, string> | undefined;
  if (allowedWorkspaceIds !== undefined) {
    if (!Array.isArray(allowedWorkspaceIds)) throw fail(["allowedWorkspaceIds"], "must be an array of workspace UUIDs");
    workspaceIds = new Map(
      allowedWorkspaceIds.map((id, i) => {
        if (typeof id !== "string" || !UUID.test(id)) throw fail(["allowedWorkspaceIds", i], "must be a workspace UUID");
        return [id.toLowerCase(), id];
      }),
    );
  }
  if (requireCodeChallenge !== undefined && typeof requireCodeChallenge !== "boolean") throw fail(["requireCodeChallenge"], "must be true or false");

  return {
    maxLimit,
    maxLifetimeSeconds,
    allowedOrigins,
    allowedUsageLimitTypes: usageTypes,
    allowedCallbackOrigins: callbackOrigins,
    defaultKeyLabel: defaultKeyLabel as string | undefined,
    keyLabel,
    allowedWorkspaceIds: workspaceIds,
    requireCodeChallenge: requireCodeChallenge !== false,
  };
}

/**
 * Fills the policy's bounds into fields the request left out; throws `invalid_request` listing
 * every field over a bound. `keyLabel` is the server's label, when `policy.keyLabel` set one.
 */
export function applyMintPolicy(request: CreateAuthKeysCodeRequest, policy: NormalizedMintPolicy, now: number): CreateAuthKeysCodeRequest {
  const issues: OpenRouterAuthIssue[] = [];
  const out: CreateAuthKeysCodeRequest = { ...request };

  if (out.limit === undefined) out.limit = policy.maxLimit;
  else if (out.limit > policy.maxLimit) issues.push({ path: ["limit"], message: `must be at most ${policy.maxLimit} (this app's maximum)` });

  if (policy.allowedUsageLimitTypes && out.usageLimitType !== undefined && !policy.allowedUsageLimitTypes.has(out.usageLimitType)) {
    const allowed = [...policy.allowedUsageLimitTypes];
    issues.push({
      path: ["usage_limit_type"],
      message: allowed.length ? `must be one of ${allowed.join(", ")} (this app's policy)` : "is not allowed by this app's policy",
    });
  }

  const latest = now + policy.maxLifetimeSeconds * 1000;
  if (out.expiresAt === undefined) {
    out.expiresAt = toIsoSeconds(latest);
  } else if (out.expiresAt === null) {
    issues.push({ path: ["expires_at"], message: `must be set: keys of this app expire within ${policy.maxLifetimeSeconds} seconds` });
  } else {
    const at = out.expiresAt instanceof Date ? out.expiresAt.getTime() : Date.parse(out.expiresAt);
    if (at > latest) {
      issues.push({
        path: ["expires_at"],
        message: `must be at most ${policy.maxLifetimeSeconds} seconds from now (${toIsoSeconds(latest)}); leave it out to get the longest lifetime`,
      });
    }
  }

  if (policy.allowedCallbackOrigins && !policy.allowedCallbackOrigins.has(new URL(out.callbackUrl).origin)) {
    issues.push({ path: ["callback_url"], message: "must be on an origin this app allows" });
  }

  // The allowed ids are never listed in a message: the browser need not learn the app's workspaces.
  const workspaces = policy.allowedWorkspaceIds;
  if (workspaces && out.workspaceId !== undefined && !workspaces.has(out.workspaceId.toLowerCase())) {
    issues.push({ path: ["workspace_id"], message: "must be a workspace this app allows" });
  } else if (workspaces && out.workspaceId === undefined && workspaces.size > 0) {
    // Left out: the bound fills it in when it names one workspace; among several, the request must choose.
    if (workspaces.size === 1) out.workspaceId = [...workspaces.values()][0];
    else issues.push({ path: ["workspace_id"], message: "is required by this app: name the workspace to mint in" });
  }

  if (policy.requireCodeChallenge) {
    if (out.codeChallenge === undefined) {
      issues.push({ path: ["code_challenge"], message: 'is required by this app (PKCE with code_challenge_method "S256")' });
    } else if (out.codeChallengeMethod !== "S256") {
      // RFC 7636 4.3: a challenge without a method is plain, i.e. the verifier itself.
      issues.push({
        path: ["code_challenge_method"],
        message:
          out.codeChallengeMethod === "plain"
            ? 'must be "S256": a plain challenge is the verifier itself'
            : 'must be "S256" (a challenge without a method is plain, the verifier itself)',
      });
    }
  }

  if (out.keyLabel === undefined && policy.defaultKeyLabel !== undefined) out.keyLabel = policy.defaultKeyLabel;

  if (issues.length) throw invalidRequest(issues);
  return out;
}
