#!/usr/bin/env node
/*
 * Generates src/kernels/generated/loops.ts from the hand-written loops of src/kernels/loops.ts: one copy of every
 * exported `...Loop` function per combination of array classes and switch values, plus a `...LoopFor` function per
 * loop that picks the copy for its arguments. loops.ts explains why (V8 feedback is per function literal) and the
 * rules a loop follows; this script checks those rules and fails on anything it cannot fold.
 *
 *   node scripts/generate-kernels.mjs          write the file
 *   node scripts/generate-kernels.mjs --check  exit 1 when the committed file differs from what this script makes
 *
 * A copy is the loop's syntax tree with each array parameter's type replaced by one class, the switch parameters
 * removed, and every condition that only depends on them folded. Nothing is compiled from strings at run time: the
 * copies are ordinary TypeScript, compiled by tsc with the rest of the package.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const SPEC = fileURLToPath(new URL('../src/kernels/loops.ts', import.meta.url));
const OUT = fileURLToPath(new URL('../src/kernels/generated/loops.ts', import.meta.url));

/** The classes each array type stands for, in the order the copies are written. */
const CLASSES = {
  FloatArray: ['Float32Array', 'Float64Array'],
  IntArray: ['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array'],
  CodeArray: ['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array'],
  HistogramCounts: ['Uint32Array', 'Float64Array'],
};
/** The values of each switch type. */
const SWITCHES = { Profile: ['onnx', 'pytorch'], boolean: [true, false] };
const SHORT = { Float32Array: 'f32', Float64Array: 'f64', Int8Array: 'i8', Uint8Array: 'u8', Int16Array: 'i16', Uint16Array: 'u16', Int32Array: 'i32', Uint32Array: 'u32' };

const f = ts.factory;
const specText = readFileSync(SPEC, 'utf8');
const source = ts.createSourceFile(SPEC, specText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

function fail(node, message) {
  const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
  throw new Error(`${relative(root, SPEC)}:${line + 1}:${character + 1}: ${message}`);
}

/** The loops: exported functions named ...Loop, with each parameter classified. */
function loopsOf(file) {
  const loops = [];
  for (const st of file.statements) {
    if (!ts.isFunctionDeclaration(st) || !st.name?.text.endsWith('Loop')) continue;
    if (!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const params = st.parameters.map((p) => {
      if (!ts.isIdentifier(p.name) || !p.type) fail(p, 'a loop parameter needs a plain name and a type');
      const type = p.type.getText(source);
      const kind = type in CLASSES ? 'array' : type in SWITCHES ? 'switch' : 'plain';
      return { name: p.name.text, type, kind, text: p.getText(source) };
    });
    loops.push({ node: st, name: st.name.text, base: st.name.text.slice(0, -'Loop'.length), params });
  }
  return loops;
}

/** Every combination: one value per array or switch parameter, the last parameter varying fastest. */
function combinations(params) {
  let combos = [{}];
  for (const p of params) {
    if (p.kind === 'plain') continue;
    const choices = p.kind === 'array' ? CLASSES[p.type] : SWITCHES[p.type];
    combos = combos.flatMap((c) => choices.map((v) => ({ ...c, [p.name]: v })));
  }
  return combos;
}

/** The value of an expression that only depends on the combination, or undefined. */
function staticValue(node, loop, combo) {
  if (ts.isParenthesizedExpression(node)) return staticValue(node.expression, loop, combo);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { value: true };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { value: false };
  if (ts.isStringLiteral(node)) return { value: node.text };
  if (ts.isIdentifier(node)) {
    const p = loop.params.find((q) => q.name === node.text);
    return p?.kind === 'switch' ? { value: combo[p.name] } : undefined;
  }
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
    const v = staticValue(node.operand, loop, combo);
    return v && { value: !v.value };
  }
  if (!ts.isBinaryExpression(node)) return undefined;
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.InstanceOfKeyword) {
    const p = ts.isIdentifier(node.left) ? loop.params.find((q) => q.name === node.left.text && q.kind === 'array') : undefined;
    if (!p || !ts.isIdentifier(node.right)) return undefined;
    return { value: combo[p.name] === node.right.text };
  }
  const l = staticValue(node.left, loop, combo);
  const r = staticValue(node.right, loop, combo);
  switch (op) {
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
      return l && r && { value: l.value === r.value };
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      return l && r && { value: l.value !== r.value };
    case ts.SyntaxKind.AmpersandAmpersandToken:
      if ((l && !l.value) || (r && !r.value)) return { value: false };
      return l && r && { value: true };
    case ts.SyntaxKind.BarBarToken:
      if ((l && l.value) || (r && r.value)) return { value: true };
      return l && r && { value: false };
    default:
      return undefined;
  }
}

/** The loop's function with the combination applied: concrete array types, no switches, static conditions folded. */
function specialise(loop, combo, name) {
  const switches = new Set(loop.params.filter((p) => p.kind === 'switch').map((p) => p.name));
  const visit = (node) => {
    if (ts.isIfStatement(node)) {
      const c = staticValue(node.expression, loop, combo);
      if (c) {
        const branch = c.value ? node.thenStatement : node.elseStatement;
        if (!branch) return ts.isBlock(node.parent) ? undefined : f.createBlock([]);
        const done = ts.visitNode(branch, visit);
        return ts.isBlock(done) && ts.isBlock(node.parent) ? done.statements : done;
      }
    }
    if (ts.isConditionalExpression(node)) {
      const c = staticValue(node.condition, loop, combo);
      if (c) return ts.visitNode(c.value ? node.whenTrue : node.whenFalse, visit);
    }
    if (ts.isIdentifier(node) && switches.has(node.text) && !ts.isParameter(node.parent) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      fail(node, `switch '${node.text}' is used outside a condition the generator can fold`);
    }
    return ts.visitEachChild(node, visit, undefined);
  };
  const params = loop.node.parameters
    .filter((p) => !switches.has(p.name.text))
    .map((p) => {
      const cls = combo[p.name.text];
      return f.updateParameterDeclaration(p, p.modifiers, p.dotDotDotToken, p.name, p.questionToken, cls ? f.createTypeReferenceNode(cls) : p.type, p.initializer);
    });
  const body = ts.visitNode(loop.node.body, visit);
  return f.createFunctionDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], undefined, name, undefined, params, loop.node.type, body);
}

function copyName(loop, combo) {
  const parts = loop.params.flatMap((p) => {
    if (p.kind === 'array') return [SHORT[combo[p.name]]];
    if (p.kind === 'switch') return p.type === 'boolean' ? (combo[p.name] ? [p.name] : []) : [combo[p.name]];
    return [];
  });
  return `${loop.base}_${parts.join('_')}`;
}

function describeCombo(loop, combo) {
  const arrays = loop.params.filter((p) => p.kind === 'array').map((p) => `${p.name}: ${combo[p.name]}`);
  const switches = loop.params.filter((p) => p.kind === 'switch').map((p) => `${p.name} = ${JSON.stringify(combo[p.name])}`);
  return [...arrays, ...switches].join(', ');
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true });
/** Printed with two-space indentation, like the rest of the package. */
function print(node) {
  return printer
    .printNode(ts.EmitHint.Unspecified, node, source)
    .split('\n')
    .map((line) => line.replace(/^((?: {4})+)/, (s) => ' '.repeat(s.length / 2)))
    .join('\n');
}

/** The name of the type of a loop's copies (declared in method syntax, so that a copy for one class is assignable). */
function copyType(loop) {
  return `${loop.base[0].toUpperCase()}${loop.base.slice(1)}Copy`;
}

/** The `...LoopFor` function: nested instanceof tests on the array parameters, then the switches. */
function dispatcher(loop, combos) {
  const arrays = loop.params.filter((p) => p.kind === 'array');
  const switches = loop.params.filter((p) => p.kind === 'switch');
  const args = loop.params.filter((p) => p.kind !== 'plain');
  const typeName = copyType(loop);
  const lines = [];
  const pick = (fixed) => {
    // The switches choose among the copies for these classes.
    const chosen = combos.filter((c) => arrays.every((p) => c[p.name] === fixed[p.name]));
    const expr = (i, subset) => {
      if (i === switches.length) return copyName(loop, subset[0]);
      const s = switches[i];
      const values = SWITCHES[s.type];
      const branches = values.map((v) => expr(i + 1, subset.filter((c) => c[s.name] === v)));
      let e = branches[branches.length - 1];
      for (let k = values.length - 2; k >= 0; k--) e = `${s.type === 'boolean' ? (values[k] ? s.name : `!${s.name}`) : `${s.name} === ${JSON.stringify(values[k]).replace(/"/g, "'")}`} ? ${branches[k]} : ${e}`;
      return e;
    };
    return expr(0, chosen);
  };
  const walk = (i, fixed, indent) => {
    const p = arrays[i];
    for (const cls of CLASSES[p.type]) {
      const next = { ...fixed, [p.name]: cls };
      if (i === arrays.length - 1) {
        lines.push(`${indent}if (${p.name} instanceof ${cls}) return ${pick(next)};`);
      } else {
        lines.push(`${indent}if (${p.name} instanceof ${cls}) {`);
        walk(i + 1, next, `${indent}  `);
        lines.push(`${indent}}`);
      }
    }
  };
  if (arrays.length > 0) walk(0, {}, '  ');
  else lines.push(`  return ${pick({})};`);
  const plainArgs = loop.params.filter((p) => p.kind !== 'switch');
  const call = `${loop.name}(${loop.params.map((p) => p.name).join(', ')})`;
  return [
    `/** The copy of ${loop.name} for these arrays${switches.length ? ` and ${switches.map((s) => s.name).join(', ')}` : ''}. */`,
    `export function ${loop.name}For(${args.map((p) => p.text).join(', ')}): ${typeName} {`,
    ...lines,
    '  // Anything else (an array from another realm, a class validation refuses): the loop itself, correct but slower.',
    switches.length ? `  return (${plainArgs.map((p) => p.text).join(', ')}) => ${call};` : `  return ${loop.name};`,
    '}',
  ].join('\n');
}

/**
 * The value of `export const name = <literal>` in the module `from` (relative to loops.ts), or undefined.
 * Such constants (ROUND_MAGIC) are declared again in the generated file: V8 reads an imported binding on every use,
 * in every iteration of a loop, and a module-local constant is folded (measured: ~7% on the per-channel loop).
 */
function literalExport(from, name) {
  if (!from.startsWith('.')) return undefined;
  const path = fileURLToPath(new URL(from.replace(/\.js$/, '.ts'), pathToFileURL(SPEC)));
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  for (const st of file.statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    if (!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer && (ts.isNumericLiteral(d.initializer) || ts.isStringLiteral(d.initializer))) {
        return d.initializer.getText(file);
      }
    }
  }
  return undefined;
}

/**
 * Imports of loops.ts, re-rooted one directory down (literal constants become local constants, see literalExport),
 * plus the loops themselves (the dispatchers' fallback) and loops.ts's exported types.
 */
function imports(loops) {
  const out = [];
  const constants = [];
  for (const st of source.statements) {
    if (!ts.isImportDeclaration(st)) continue;
    const from = st.moduleSpecifier.text;
    const moved = from.startsWith('./') ? `../${from.slice(2)}` : from.startsWith('../') ? `../${from}` : from;
    const clause = st.importClause;
    const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
    if (clause && !clause.isTypeOnly && !clause.name && named.length > 0) {
      const kept = [];
      for (const el of named) {
        const value = el.isTypeOnly ? undefined : literalExport(from, (el.propertyName ?? el.name).text);
        if (value === undefined) kept.push(el.getText(source));
        else constants.push(`/** ${(el.propertyName ?? el.name).text} of ${from.replace(/^\.\.\//, '').replace(/\.js$/, '.ts')}, declared here: V8 folds a module's own constant but loads an imported binding on every use. */\nconst ${el.name.text} = ${value};`);
      }
      if (kept.length > 0) out.push(`import { ${kept.join(', ')} } from '${moved}';`);
      continue;
    }
    out.push(st.getText(source).replace(st.moduleSpecifier.getText(source), `'${moved}'`));
  }
  const types = source.statements.filter((s) => ts.isTypeAliasDeclaration(s) && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)).map((s) => s.name.text);
  out.push(`import { ${loops.map((l) => l.name).join(', ')}${types.length ? `, ${types.map((t) => `type ${t}`).join(', ')}` : ''} } from '../loops.js';`);
  return [...out, '', ...constants].join('\n');
}

export function generate() {
  const loops = loopsOf(source);
  if (loops.length === 0) throw new Error(`${SPEC}: no exported ...Loop functions`);
  const parts = [
    [
      '// GENERATED FILE - DO NOT EDIT.',
      '// Made by packages/quant-core/scripts/generate-kernels.mjs from the hand-written loops of',
      '// packages/quant-core/src/kernels/loops.ts (the executable form of docs/SPEC.md), which explains why: one copy',
      '// of each loop per combination of array classes and profile keeps every typed-array access monomorphic in V8,',
      '// without compiling anything from strings at run time. Edit loops.ts, then run `pnpm generate` in',
      '// packages/quant-core; test/generated-kernels.test.ts fails while this file is stale.',
      imports(loops),
    ].join('\n'),
  ];
  let copies = 0;
  for (const loop of loops) {
    const combos = combinations(loop.params);
    const plain = loop.params.filter((p) => p.kind !== 'switch').map((p) => p.text);
    parts.push(
      [
        `// ---- ${loop.name}: ${combos.length} copies ----`,
        '',
        `/** Any copy of ${loop.name}: its parameters without the switches (method syntax: a copy for one class fits). */`,
        `export type ${copyType(loop)} = { copy(${plain.join(', ')}): void }['copy'];`,
      ].join('\n'),
    );
    for (const combo of combos) {
      const name = copyName(loop, combo);
      parts.push(`/** ${loop.name} for ${describeCombo(loop, combo)}. */\n${print(specialise(loop, combo, name))}`);
      copies++;
    }
    parts.push(dispatcher(loop, combos));
  }
  return { text: `${parts.join('\n\n')}\n`, copies, loops: loops.length };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { text, copies, loops } = generate();
  const rel = relative(root, OUT);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.error(`${rel} is stale: it is not what scripts/generate-kernels.mjs makes from src/kernels/loops.ts. Run \`pnpm generate\` in packages/quant-core.`);
      process.exit(1);
    }
    console.log(`${rel} is up to date (${copies} copies of ${loops} loops)`);
  } else {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, text);
    console.log(`wrote ${rel}: ${copies} copies of ${loops} loops`);
  }
}
