import { expect } from "vitest";
import { OpenRouterAuthError } from "../../src/core/errors.js";

/** The error `promise` rejects with, asserted to be the library's one error type; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<OpenRouterAuthError> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(OpenRouterAuthError);
  return outcome.error as OpenRouterAuthError;
}
