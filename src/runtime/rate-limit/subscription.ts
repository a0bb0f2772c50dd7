/**
 * Whose limits a client's calls count against, for a store shared between processes: Qualys
 * limits each subscription per API, and a subscription is known here by its platform and user.
 * Only names go in — the user name or OAuth client id, or for a bare token its subject claim —
 * and a shared store hashes them before they reach its keys.
 */
import { createHash } from "node:crypto";
import { toCredentials, type CredentialsInput } from "../auth/credentials.js";
import type { SubscriptionIdentity } from "./store.js";

export function subscriptionOf(credentials: CredentialsInput, platform: string): SubscriptionIdentity {
  const c = toCredentials(credentials);
  if (c.kind === "password") return { platform, user: c.username };
  if (c.kind === "oauth") return { platform, user: `client:${c.clientId}` };
  const token = c.revealToken();
  return { platform, user: subjectOf(token) ?? `token:${createHash("sha256").update(token).digest("hex").slice(0, 32)}` };
}

/** The JWT's user: its `username`, `user` or `sub` claim. A token without one stands for itself. */
function subjectOf(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    for (const name of ["username", "user", "sub"]) {
      const value = claims[name];
      if (typeof value === "string" && value.trim()) return value;
    }
  } catch {
    // Not a JWT.
  }
  return undefined;
}
