/** The error `run` rejects with, for a test to look into; a run that succeeds fails the test. */
export async function caught<E = Error & Record<string, unknown>>(run: () => Promise<unknown>): Promise<E> {
  try {
    await run();
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a failure');
}
