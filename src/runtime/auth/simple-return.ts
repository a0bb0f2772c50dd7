/**
 * The few facts the auth layers need from a small VM `SIMPLE_RETURN` (login answers, 401s):
 * CODE and TEXT. A regex is enough for these tiny bodies; full decoding lives in src/runtime/xml.
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
