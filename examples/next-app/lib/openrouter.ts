import "server-only";

// Where OpenRouter lives, read from the server's environment at run time. Without OPENROUTER_URL
// this app talks to the local emulator (`npm run dev` starts one; by hand: `npx
// openrouter-connect-emulator`), whose key for minting is not a secret. With
// OPENROUTER_URL=https://openrouter.ai, minting needs your own OPENROUTER_API_KEY.
const EMULATOR_URL = "http://127.0.0.1:8787";
const EMULATOR_API_KEY = "sk-or-v1-emulator-dev-key";

const url = (process.env.OPENROUTER_URL || EMULATOR_URL).replace(/\/+$/, "");

export const openRouter = {
  /** The consent page the browser opens. */
  authUrl: `${url}/auth`,
  /** The API: the browser exchanges codes here, the routes mint and exchange here. */
  baseUrl: `${url}/api/v1`,
  /** The app's own key, for the mint route only. Never the emulator's key on the real service. */
  apiKey: process.env.OPENROUTER_API_KEY || (process.env.OPENROUTER_URL ? "" : EMULATOR_API_KEY),
  emulator: !process.env.OPENROUTER_URL,
};

/** This app's origin: the only pages that may call its mint and exchange routes. */
export const appOrigin = new URL(process.env.APP_URL || "http://localhost:3000").origin;
