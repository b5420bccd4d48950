import "server-only";
import { cookies } from "next/headers";

// A demo session: proxy.ts gives every browser a random token in an HttpOnly cookie, and the
// token's hash is the user's id. THIS IS WHERE A REAL APP PLUGS IN ITS AUTH: return the signed-in
// user's id from Auth.js (`(await auth())?.user?.id`), Clerk (`(await auth()).userId`), your own
// session store, … and undefined when nobody is signed in.

export const SESSION_COOKIE = "demo_session";
const TOKEN = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url

/** A new session token: 32 random bytes, base64url. */
export function newSessionToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The signed-in user's id, or undefined. */
export async function currentUserId(): Promise<string | undefined> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token || !TOKEN.test(token)) return undefined;
  // The id shows up in key labels and audit logs; the token must not, so the id is its hash.
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return `demo-${Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
