/** `quant embeddings ...` quantizes a file of embeddings; `quant embeddings eval ...` measures recall@k. */
export async function embeddingsCommand(args: readonly string[]): Promise<number> {
  if (args[0] === 'eval') return (await import('./embeddings-eval.js')).embeddingsEvalCommand(args.slice(1));
  return (await import('./embeddings-quantize.js')).embeddingsQuantizeCommand(args);
}
