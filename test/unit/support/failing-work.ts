/** An error made in a module of its own: a bundle that imports this on demand has it in a chunk of its own. */
export function failedWork(): Error {
  return new Error('the chunk failed');
}
