// app/api/openrouter/mint/route.ts
import { createMintHandler } from "openrouter-connect/server";
import { appOrigin, openRouter } from "@/lib/openrouter";
import { currentUserId } from "@/lib/session";

// Mints authorization codes with this app's OpenRouter key, for signed-in users, within limits.
export const POST = createMintHandler({
  apiKey: openRouter.apiKey,
  baseUrl: openRouter.baseUrl,
  // Who may mint: the signed-in user (lib/session.ts is where your auth goes); nobody else.
  authorize: async () => {
    const user = await currentUserId();
    return user ? { subject: user } : false;
  },
  policy: {
    maxLimit: 5, // USD per key; a request without `limit` gets 5
    maxLifetimeSeconds: 30 * 24 * 3600, // no key outlives 30 days
    allowedOrigins: [appOrigin], // only this app's pages may ask
    allowedCallbackOrigins: [appOrigin],
    keyLabel: ({ subject }) => `next-app:${subject}`,
  },
  quota: {
    perSubject: { windowSeconds: 24 * 3600, maxKeys: 5, maxExposure: 25 }, // per user and day
    global: { windowSeconds: 3600, maxKeys: 100 }, // the whole app, per hour
  },
  onRefused: ({ subject, status, reason, detail }) => console.warn("mint refused", { subject, status, reason, detail }),
});
