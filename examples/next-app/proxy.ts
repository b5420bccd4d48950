import { NextResponse, type NextRequest } from "next/server";
import { newSessionToken, SESSION_COOKIE } from "@/lib/session";

// Gives a browser without one a demo session (lib/session.ts; a real app has its own sign-in).
// SameSite=Lax, not Strict: back from OpenRouter's consent page (a navigation from another site),
// the redirect flow must find its session, not start a new one.
export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const token = newSessionToken();
  request.cookies.set(SESSION_COOKIE, token); // this request's page sees it already
  const response = NextResponse.next({ request: { headers: request.headers } });
  response.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: request.nextUrl.protocol === "https:",
    path: "/",
  });
  return response;
}

// Pages only (no API route, no file): the routes refuse a request without a session instead of making one.
export const config = { matcher: ["/((?!api/|_next/|.*\\..*).*)"] };
