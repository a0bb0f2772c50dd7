/** Reads a stream to its end or first error, keeping what came before the error. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ got: T[]; error: unknown }> {
  const got: T[] = [];
  try {
    for await (const x of stream) got.push(x);
    return { got, error: undefined };
  } catch (error) {
    return { got, error };
  }
}
