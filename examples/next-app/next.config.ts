import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // This example sits inside the library's repository, which has a lockfile of its own: its root is here.
  turbopack: { root: import.meta.dirname },
  // The callback page's address carries ?code= until the library removes it: never pass it on.
  async headers() {
    return [{ source: "/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] }];
  },
};

export default nextConfig;
