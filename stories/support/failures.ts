// OpenRouter's failures that both the button's and the hook's stories cause with the story's
// emulator, each with the error the library reports for it. Kept here once so the two sets of
// stories can't drift apart; each story file keeps its own play function (what it checks differs).
import type { OpenRouterAuthErrorCode } from "../../src/index.js";
import type { OpenRouterParameters } from "./emulator/story-emulator.js";
import { emulatorOf, type StoryEmulator } from "./openrouter.js";

/**
 * What a story expects to be reported: the error's stable `code` and its `message` (the developer's
 * English detail; the button shows the user its table's text for the code instead).
 */
export interface ExpectedError {
  code: OpenRouterAuthErrorCode;
  message: string;
}

/** The emulator's request a fault applies to: "code" creates the code, "exchange" trades it for a key. */
export type Route = "code" | "exchange";

/** The story annotations that cause a failure: a fault queued in `beforeEach`, or the story's emulator options. */
export interface Cause {
  beforeEach?: (context: object) => void;
  parameters?: { openrouter: OpenRouterParameters };
}

export interface Failure extends ExpectedError {
  /** The annotations that make the story's next request to `route` (default: creating the code) fail so. */
  cause(route?: Route): Cause;
  /**
   * Makes the next request to `route` fail so, from a play function (once per attempt it plays);
   * does nothing for a failure the story's emulator options cause (`cause()`'s parameters).
   */
  arm(context: object, route?: Route): void;
}

type Faults = StoryEmulator["faults"];

/** A failure the emulator causes when told to (`faults`), before the story renders. */
function fault(code: OpenRouterAuthErrorCode, message: string, queue: (faults: Faults, route: Route) => void): Failure {
  const arm = (context: object, route: Route = "code") => queue(emulatorOf(context).faults, route);
  return { code, message, arm, cause: (route = "code") => ({ beforeEach: (context) => arm(context, route) }) };
}

/** A failure the story's emulator options cause (`parameters.openrouter`), whatever the route. */
function configured(code: OpenRouterAuthErrorCode, message: string, openrouter: OpenRouterParameters): Failure {
  return { code, message, arm: () => {}, cause: () => ({ parameters: { openrouter } }) };
}

export const failures = {
  // The provider has no API key to create codes with.
  unauthorized: configured("unauthorized", "OpenRouter answered 401: Missing Authentication header", { apiKey: null }),
  forbidden: fault("forbidden", "OpenRouter answered 403: Forbidden", (faults, route) => faults.failNext(route, { status: 403, message: "Forbidden" })),
  conflict: fault("conflict", "OpenRouter answered 409: Resource conflict. Please try again later.", (faults, route) => faults.failNext(route, { status: 409 })),
  rateLimited: fault("rate_limited", "OpenRouter answered 429: Rate limit exceeded", (faults, route) => faults.failNext(route, { status: 429 })),
  notFound: fault("http_error", "OpenRouter answered 404: Not Found", (faults, route) => faults.failNext(route, { status: 404, message: "Not Found" })),
  serverError: fault("server_error", "OpenRouter answered 500: Internal Server Error", (faults, route) => faults.failNext(route, { status: 500 })),
  // The stories' emulator answers at https://openrouter.test (through msw).
  dropped: fault("network_error", "Could not reach https://openrouter.test.", (faults, route) => faults.dropNext(route)),
  notJson: fault("invalid_response", "OpenRouter's answer (HTTP 200) was not JSON.", (faults, route) => faults.malformedNext(route)),
};
