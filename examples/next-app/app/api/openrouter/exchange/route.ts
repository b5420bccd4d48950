// app/api/openrouter/exchange/route.ts
import { createExchangeHandler } from "openrouter-connect/server";
import { saveKey } from "@/lib/key-store";
import { appOrigin, openRouter } from "@/lib/openrouter";
import { currentUserId } from "@/lib/session";

// Exchanges the user's code here, on the server, and keeps their key: the browser only learns
// { userId, keyHint }.
export const POST = createExchangeHandler({
  baseUrl: openRouter.baseUrl,
  authorize: async () => {
    const user = await currentUserId();
    return user ? { subject: user } : false;
  },
  policy: { allowedOrigins: [appOrigin] },
  onKey: ({ subject, key, userId }) => {
    if (!subject) throw new Error("authorize names the user");
    saveKey(subject, { key, userId });
  },
  onRefused: ({ subject, status, reason, detail }) => console.warn("exchange refused", { subject, status, reason, detail }),
});
