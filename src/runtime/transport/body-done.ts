/**
 * Who knows when a response's body is over. The rate limiter gives a permit back only then
 * (Qualys counts a call as running until its answer is sent); the transports tell it directly,
 * so it need not wrap their bodies in yet another stream.
 */
import { BufferedResponse } from "./responses.js";

export interface BodyWatch {
  /** Calls `done` once the body has been read to the end, failed or been cancelled (at once if it has). */
  onBodyDone(done: () => void): void;
}

const watched = new WeakMap<Response, BodyWatch>();

export function watchBody(response: Response, watch: BodyWatch): void {
  watched.set(response, watch);
}

/**
 * Calls `done` once the response's body has been read to the end, failed or been cancelled, and
 * returns true — when the response came from a transport of this SDK. For any other response it
 * returns false and the caller must watch the body itself.
 */
export function whenBodyDone(response: Response, done: () => void): boolean {
  if (response instanceof BufferedResponse) {
    done();
    return true;
  }
  const watch = watched.get(response);
  if (!watch) return false;
  watch.onBodyDone(done);
  return true;
}

/** A one-shot "body is over" signal: BodyWatch for the transports. */
export class BodyDone implements BodyWatch {
  #done = false;
  #listener: (() => void) | undefined;

  get done(): boolean {
    return this.#done;
  }

  onBodyDone(done: () => void): void {
    if (this.#done) done();
    else this.#listener = done;
  }

  mark(): void {
    if (this.#done) return;
    this.#done = true;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }
}
