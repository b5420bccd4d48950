// Shared setup for the unit project. jsdom suites opt in per file with
// `// @vitest-environment jsdom`; jest-dom matchers are only registered there.
if (typeof window !== "undefined") {
  await import("@testing-library/jest-dom/vitest");
}
