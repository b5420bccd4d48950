"use client";
import { useCallback, useSyncExternalStore } from "react";
import { storageArea, STORAGE_PREFIX } from "../core/flow/browser.js";

export interface UseOpenRouterKeyOptions {
  /** Where the key is kept: `local` survives restarts and is shared by tabs, `session` lives in this tab. */
  storage: "local" | "session";
  /** Storage key; change it to keep several keys. */
  storageKey?: string;
}

export interface UseOpenRouterKeyResult {
  key: string | null;
  setKey: (key: string) => void;
  clear: () => void;
}

const DEFAULT_STORAGE_KEY = `${STORAGE_PREFIX}key`;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Other tabs change localStorage: the `storage` event keeps this one in step.
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

function notify(): void {
  for (const listener of listeners) listener();
}

const subscribeNever = () => () => {};

/**
 * The hook behind `useOpenRouterKey` and `ConnectButton`'s `persist`. Without `storage` it is
 * off: the key reads `null`, and nothing touches storage or listens to `storage` events.
 */
export function useStoredKey(storage: "local" | "session" | undefined, storageKey = DEFAULT_STORAGE_KEY): UseOpenRouterKeyResult {
  const key = useSyncExternalStore(
    storage ? subscribe : subscribeNever,
    () => {
      try {
        return (storage && storageArea(storage)?.getItem(storageKey)) ?? null;
      } catch {
        return null;
      }
    },
    () => null,
  );
  const setKey = useCallback(
    (value: string) => {
      if (!storage) return;
      try {
        storageArea(storage)?.setItem(storageKey, value);
      } finally {
        notify();
      }
    },
    [storage, storageKey],
  );
  const clear = useCallback(() => {
    if (!storage) return;
    try {
      storageArea(storage)?.removeItem(storageKey);
    } finally {
      notify();
    }
  }, [storage, storageKey]);
  return { key, setKey, clear };
}

/**
 * Opt-in persistence of the user's key, kept in step across components and tabs.
 * Nothing else in this library stores the key.
 */
export function useOpenRouterKey({ storage, storageKey }: UseOpenRouterKeyOptions): UseOpenRouterKeyResult {
  return useStoredKey(storage, storageKey);
}
