// The shipped translations: complete, plain data, the same placeholders as English, the product's
// name kept, and nothing left in English. Their types are checked by `satisfies ConnectMessages`
// in each module (a missing or misspelled key fails `npm run typecheck`); this checks the values.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultMessages, type ConnectMessages } from "../../src/core/index.js";
import * as locales from "../../src/locales/index.js";

const translations = Object.entries(locales).filter(([name]) => name !== "en") as Array<[string, ConnectMessages]>;
const keys = Object.keys(defaultMessages).sort();
const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
// Texts that are the same in every language: the product's name.
const SAME_EVERYWHERE = new Set(["windowTitle"]);

describe("openrouter-connect/locales", () => {
  it("ships the seven languages the issue names, and English as en", () => {
    expect(Object.keys(locales).sort()).toEqual(["ar", "de", "en", "es", "fr", "ja", "ptBR", "zhCN"]);
    expect(locales.en).toBe(defaultMessages);
  });

  describe.each(translations)("%s", (_, messages) => {
    it("has exactly the keys of the English table, each a non-empty string", () => {
      expect(Object.keys(messages).sort()).toEqual(keys);
      for (const [key, text] of Object.entries(messages)) expect(typeof text === "string" && text.trim() !== "", key).toBe(true);
    });

    it("is plain data (JSON round-trips)", () => {
      expect(JSON.parse(JSON.stringify(messages))).toEqual(messages);
    });

    it("keeps each key's placeholders and the name OpenRouter where English has them", () => {
      for (const key of keys as Array<keyof ConnectMessages>) {
        expect(placeholders(messages[key]), key).toEqual(placeholders(defaultMessages[key]));
        if (defaultMessages[key].includes("OpenRouter")) expect(messages[key], key).toContain("OpenRouter");
      }
    });

    it("leaves nothing in English", () => {
      for (const key of keys as Array<keyof ConnectMessages>) {
        if (!SAME_EVERYWHERE.has(key)) expect(messages[key], key).not.toBe(defaultMessages[key]);
      }
    });

    it("uses no straight quotes where typography wants curly ones, and no doubled spaces", () => {
      for (const text of Object.values(messages)) {
        expect(text).not.toMatch(/ {2}|^\s|\s$/);
        expect(text).not.toMatch(/"/);
      }
    });
  });

  it("each locale module imports nothing at runtime (type-only imports): importing one costs only its own text", () => {
    const dir = new URL("../../src/locales/", import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name !== "index.ts")) {
      const imports = readFileSync(new URL(file, dir), "utf8").match(/^import .*$/gm) ?? [];
      for (const line of imports) expect(line, file).toMatch(/^import type /);
    }
  });
});
