// Waiting on a condition instead of a fixed time: polls `check` until it holds, or fails saying what never happened.
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  { timeoutMs = 240_000, everyMs = 250 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
