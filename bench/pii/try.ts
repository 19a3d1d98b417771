import { createPiiEngine } from '../../src/pii/index.js';

/** `node bin/run-ts.js bench/pii/try.ts 'text' ['text'…]`: every finding with its score (no threshold). */
const engine = createPiiEngine({ minScore: 0 });
for (const arg of process.argv.slice(2)) {
  const text = arg.replace(/\\n/g, '\n');
  console.log(JSON.stringify(text));
  for (const s of engine.detect(text)) console.log(`  ${s.type} ${JSON.stringify(text.slice(s.start, s.end))} ${s.score}`);
}
