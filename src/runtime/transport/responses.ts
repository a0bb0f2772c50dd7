/**
 * The Responses the transports hand over. A TransportResponse knows its URL (fetch sets `url`;
 * `new Response` cannot). A BufferedResponse holds an answer received whole: text/json/arrayBuffer
 * read its bytes directly, with no ReadableStream in between (a `new ReadableStream` alone costs
 * ~17 µs in Node 20); `body`, `blob` and `formData` fall back to a regular Response over the bytes.
 */
import type { Bytes } from "./content-encoding.js";

const decoder = new TextDecoder();

export class TransportResponse extends Response {
  readonly #url: string;

  constructor(body: ReadableStream<Uint8Array> | null, init: ResponseInit, url: string) {
    super(body, init);
    this.#url = url;
  }

  static urlOf(response: TransportResponse): string {
    return response.#url;
  }
}
Object.defineProperty(TransportResponse.prototype, "url", {
  get(this: TransportResponse) {
    return TransportResponse.urlOf(this);
  },
});

export class BufferedResponse extends TransportResponse {
  #bytes: Bytes | undefined;
  #used = false;
  #native: Response | undefined;
  readonly #init: ResponseInit;
  readonly #href: string;

  constructor(bytes: Bytes, init: ResponseInit, url: string) {
    super(null, init, url);
    this.#bytes = bytes;
    this.#init = init;
    this.#href = url;
  }

  #take(): Bytes {
    if (this.#used || this.#native?.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    const bytes = this.#bytes!;
    this.#bytes = undefined;
    return bytes;
  }

  #read<T>(convert: (bytes: Bytes) => T): Promise<T> {
    try {
      return Promise.resolve(convert(this.#take()));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  static native(response: BufferedResponse): Response {
    if (!response.#native) {
      if (response.#used) throw new TypeError("Body is unusable: Body has already been read");
      response.#native = new Response(response.#bytes!, { ...response.#init, headers: response.headers });
      response.#bytes = undefined;
    }
    return response.#native;
  }

  static isUsed(response: BufferedResponse): boolean {
    return response.#native ? response.#native.bodyUsed : response.#used;
  }

  override text(): Promise<string> {
    if (this.#native) return this.#native.text();
    return this.#read((bytes) => decoder.decode(bytes));
  }

  override json(): Promise<any> {
    if (this.#native) return this.#native.json();
    return this.#read((bytes) => JSON.parse(decoder.decode(bytes)));
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#native) return this.#native.arrayBuffer();
    return this.#read((bytes) => Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer);
  }

  override bytes(): Promise<Bytes> {
    if (this.#native) return this.#native.bytes();
    return this.#read((bytes) => Uint8Array.prototype.slice.call(bytes) as Bytes);
  }

  override blob(): Promise<Blob> {
    return BufferedResponse.native(this).blob();
  }

  override formData(): Promise<FormData> {
    return BufferedResponse.native(this).formData();
  }

  override clone(): Response {
    if (BufferedResponse.isUsed(this)) throw new TypeError("Response.clone: Body has already been consumed.");
    if (this.#native) return this.#native.clone();
    return new BufferedResponse(this.#bytes!, this.#init, this.#href);
  }
}
Object.defineProperty(BufferedResponse.prototype, "body", {
  get(this: BufferedResponse) {
    return BufferedResponse.native(this).body;
  },
});
Object.defineProperty(BufferedResponse.prototype, "bodyUsed", {
  get(this: BufferedResponse) {
    return BufferedResponse.isUsed(this);
  },
});

/**
 * The response with its body read whole into memory; a fault while reading rejects, typed by the
 * transport. Answers already whole (or without a body) are returned as they are, at no cost.
 */
export function readWhole(response: Response): Response | Promise<Response> {
  // No promise for the usual answer, already whole: this runs on every JSON call.
  if (response instanceof BufferedResponse || response.body === null || response.bodyUsed) return response;
  return response.arrayBuffer().then((buffer) => {
    const init: ResponseInit = { status: response.status, statusText: response.statusText, headers: response.headers };
    return new BufferedResponse(new Uint8Array(buffer) as Bytes, init, response.url);
  });
}
