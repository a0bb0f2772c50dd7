/**
 * The few facts the auth and rate-limit layers need from a small VM `SIMPLE_RETURN` (login
 * answers, 401s, 409s): CODE and TEXT. A regex is enough for these tiny bodies; full decoding
 * lives in src/runtime/xml.
 */
export interface SimpleReturn {
  readonly code?: string;
  readonly text?: string;
}

function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</${name}>`).exec(xml);
  const value = m?.[1] ?? m?.[2];
  return value === undefined ? undefined : value.trim();
}

export function readSimpleReturn(xml: string): SimpleReturn | undefined {
  if (!/<SIMPLE_RETURN[\s>]/.test(xml)) return undefined;
  return { code: element(xml, "CODE"), text: element(xml, "TEXT") };
}

/**
 * Codes 2000–2099 are about the login or the account (2000 bad login/password, 2001 account
 * expired, 2002+ further account states): the request never ran, so these are auth failures
 * whatever the HTTP status.
 */
export function isAccountCode(code: string | undefined): boolean {
  return code !== undefined && /^20\d\d$/.test(code);
}

/** A bounded read of a body: enough for any SIMPLE_RETURN, never a whole report. */
export async function readSmallBody(response: Response, limit = 64 * 1024): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, limit);
}
