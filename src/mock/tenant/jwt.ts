/**
 * The tenant gateway's JWTs: HS256-signed, `exp`/`iat` on the wall clock (4 hours by default, as
 * Qualys issues them), `modulesAllowed` as in Qualys's tokens. A token is good until it expires
 * or `expireAll()` ages every token issued so far (a test's "JWT expired").
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type TokenCheck = "ok" | "expired" | "invalid";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export class TokenIssuer {
  private readonly secret = randomBytes(32);
  private expiredBefore = 0;
  /** Tokens issued so far. */
  issued = 0;

  constructor(
    private readonly clock: () => number,
    private readonly lifetimeSec: number,
  ) {}

  issue(username: string, modules: readonly string[]): string {
    const iat = Math.floor(this.clock() / 1000);
    // Two tokens issued in one second must still differ: jti.
    const payload = { sub: username, iss: "qas", aud: "qas", loginResponse: "SUCCESSFUL", usertype: "fo", modulesAllowed: modules, iat, exp: iat + this.lifetimeSec, jti: ++this.issued };
    const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  check(token: string): TokenCheck {
    const parts = token.split(".");
    if (parts.length !== 3) return "invalid";
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "invalid";
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { exp: number; jti: number };
    return claims.exp * 1000 <= this.clock() || claims.jti <= this.expiredBefore ? "expired" : "ok";
  }

  /** Every token issued so far is expired from now on. */
  expireAll(): void {
    this.expiredBefore = this.issued;
  }

  private sign(text: string): string {
    return createHmac("sha256", this.secret).update(text).digest("base64url");
  }
}
