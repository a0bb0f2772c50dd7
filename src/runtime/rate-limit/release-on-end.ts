/**
 * Qualys counts a call as running until its answer has been sent, and detection pages stream
 * for minutes: the permit goes back when the body is read to the end, fails, or is cancelled.
 * The undici transport says when that happens; other responses are watched through a wrapper.
 */
import { whenBodyDone } from "../transport/index.js";

/** Answers this small have been sent whole by the time their headers arrive. */
const SMALL_BODY = 256 * 1024;

export function releaseOnBodyEnd(response: Response, release: () => void): Response {
  if (whenBodyDone(response, release)) return response;
  const length = Number(response.headers.get("content-length") ?? NaN);
  // A locked body is being read already (a layer below settled it): it cannot be watched.
  if (!response.body || response.body.locked || length <= SMALL_BODY) {
    release();
    return response;
  }
  let released = false;
  const once = () => {
    if (!released) {
      released = true;
      release();
    }
  };
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          once();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        once();
        controller.error(err);
      }
    },
    async cancel(reason) {
      once();
      await reader.cancel(reason);
    },
  });
  const wrapped = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  return Object.defineProperty(wrapped, "url", { value: response.url });
}
