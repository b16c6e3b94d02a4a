/*
 * `quant submit --command onnx|gguf <models...> [submit's options] [the command's options]`: the command's options are
 * parsed by the command's own parser (parseOnnxArgs, parseGgufArgs), so submit takes exactly the options it has, new
 * ones included. The arguments are first separated: submit's own options, the model paths, the command's options.
 */

type Specs = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

/** The name of a long option (`--name` or `--name=value`) or the long name of a short one in `specs`. */
function optionName(arg: string, specs: Specs): string | undefined {
  if (arg.startsWith('--')) return arg.slice(2).split('=')[0];
  if (/^-[A-Za-z]$/.test(arg)) return Object.keys(specs).find((k) => specs[k]!.short === arg.slice(1));
  return undefined;
}

/** Takes the options in `specs` (with their values) out of `args`; the rest keeps its order. */
export function separateOptions(args: readonly string[], specs: Specs): { own: string[]; rest: string[] } {
  const own: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const name = optionName(arg, specs);
    if (name === undefined || !Object.hasOwn(specs, name)) {
      rest.push(arg);
      continue;
    }
    own.push(arg);
    if (specs[name]!.type === 'string' && !arg.includes('=') && i + 1 < args.length) own.push(args[++i]!);
  }
  return { own, rest };
}

/**
 * Splits the models from the command's options. Whether an option takes the next argument as its value is asked of
 * the command's parser: `isFlag(arg)` is true when the parser accepts `arg` with no value after it.
 */
export function splitModels(args: readonly string[], isFlag: (arg: string) => boolean): { models: string[]; options: string[] } {
  const models: string[] = [];
  const options: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      models.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      models.push(arg);
      continue;
    }
    options.push(arg);
    // An unknown option takes the next argument too: the parser then reports it by name.
    if (!arg.includes('=') && !isFlag(arg) && i + 1 < args.length) options.push(args[++i]!);
  }
  return { models, options };
}

/** Whether `parse` accepts `argv` (the probe of splitModels). */
export function accepts(parse: (argv: string[]) => unknown, argv: string[]): boolean {
  try {
    parse(argv);
    return true;
  } catch {
    return false;
  }
}
